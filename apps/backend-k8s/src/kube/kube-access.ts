// The backend's way into a cluster: resolves a cluster id to its pooled endpoint (rebuilt when
// the cluster's version changes), adds optional impersonation headers, and offers a small JSON
// client for the watch hub and actions. Decorated on the app as `app.kube`.
import type { OutgoingHttpHeaders } from 'node:http';
import type { ClusterConnection } from '../clusters/credentials.js';
import type { Subject } from '../rbac/authorizer.js';
import { runExecPlugin } from '../clusters/exec-plugin.js';
import { ClusterConnectionPool, type ClusterEndpoint } from './connection-pool.js';
import { readBody, requestUpstream, UpstreamError, type UpstreamRequest, type UpstreamResponse } from './upstream-request.js';

export interface ConnectionSource {
  get(clusterId: string): Promise<ClusterConnection>;
  /** the connection get() would give, if it is at hand without a read */
  getNow?(clusterId: string): ClusterConnection | undefined;
}

/**
 * Headers that make the cluster act as the console user (Impersonate-User, Impersonate-Group),
 * or undefined to use the cluster's own credentials. Set by the RBAC plugin per cluster.
 */
export type ImpersonationHook = (
  connection: ClusterConnection,
  subject: Subject,
) => Record<string, string | string[]> | undefined | Promise<Record<string, string | string[]> | undefined>;

/** A Kubernetes Status object, as the apiserver returns on errors. */
export interface KubeStatus {
  kind: 'Status';
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

/** The apiserver answered with an error status (404, 409, 422, ...). */
export class KubeApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly status: KubeStatus,
  ) {
    super(status.message ?? `apiserver answered ${statusCode}`);
    this.name = 'KubeApiError';
  }

  get reason(): string | undefined {
    return this.status.reason;
  }
}

export interface JsonRequest {
  method?: string;
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** the console user, for impersonation when the cluster is set up for it */
  subject?: Subject;
}

/** An exec plugin's Authorization, shared by the requests that wait for it, kept until `expires`. */
interface ExecToken {
  expires: number;
  authorization: Promise<string | undefined>;
  /** the plugin answered: `value` holds its Authorization (undefined: it gave no token) */
  produced: boolean;
  value?: string | undefined;
}

export class KubeAccess {
  readonly pool: ClusterConnectionPool;
  /** ms the proxy waits for an apiserver's response headers (watches send theirs at once) */
  upstreamTimeoutMs = 60_000;
  private impersonationHook: ImpersonationHook | undefined;
  /** tokens from allowed exec plugins, per cluster id+version, reused until they expire */
  private readonly execTokens = new Map<string, ExecToken>();

  constructor(
    private readonly connections: ConnectionSource,
    options: { maxSocketsPerCluster?: number } = {},
  ) {
    this.pool = new ClusterConnectionPool({ maxSockets: options.maxSocketsPerCluster ?? 64 });
  }

  setImpersonationHook(hook: ImpersonationHook | undefined): void {
    this.impersonationHook = hook;
  }

  async connection(clusterId: string): Promise<ClusterConnection> {
    return this.connections.get(clusterId);
  }

  /** connection(), synchronously, when the cluster is cached; undefined when it would have to be read. */
  connectionNow(clusterId: string): ClusterConnection | undefined {
    return this.connections.getNow?.(clusterId);
  }

  endpointFor(connection: ClusterConnection): ClusterEndpoint {
    return this.pool.endpoint(connection);
  }

  async endpoint(clusterId: string): Promise<ClusterEndpoint> {
    return this.pool.endpoint(await this.connections.get(clusterId));
  }

  /**
   * Headers added to every request to this cluster: the Authorization an allowed exec plugin
   * produces (when the kubeconfig has no token), and impersonation of the console user.
   */
  async clusterHeaders(connection: ClusterConnection, subject: Subject | undefined): Promise<OutgoingHttpHeaders> {
    const headers: OutgoingHttpHeaders = {};
    const authorization = await this.execAuthorization(connection);
    if (authorization) headers.authorization = authorization;
    if (subject && this.impersonationHook) Object.assign(headers, (await this.impersonationHook(connection, subject)) ?? {});
    return headers;
  }

  /**
   * The connection with the token its exec plugin produces now, for clients that take a token
   * (the log and terminal streams); the same connection when it has no plugin or a token already.
   */
  async withExecToken(connection: ClusterConnection): Promise<ClusterConnection> {
    const authorization = await this.execAuthorization(connection);
    if (!authorization?.startsWith('Bearer ')) return connection;
    const { exec: _plugin, ...credentials } = connection.credentials;
    return { ...connection, credentials: { ...credentials, token: authorization.slice('Bearer '.length) } };
  }

  /**
   * clusterHeaders(), synchronously, when nothing has to run first: no impersonation hook, and an
   * exec plugin's token already at hand. Undefined otherwise (or when the plugin failed).
   */
  clusterHeadersNow(connection: ClusterConnection): OutgoingHttpHeaders | undefined {
    if (this.impersonationHook) return undefined;
    if (!connection.credentials.exec || connection.credentials.token) return {};
    const cached = this.execTokens.get(`${connection.id}@${connection.version}`);
    if (!cached?.produced || cached.expires < Date.now()) return undefined;
    return cached.value ? { authorization: cached.value } : {};
  }

  /** The Authorization an allowed exec plugin produces (when the kubeconfig has no token), cached until it expires. */
  private async execAuthorization(connection: ClusterConnection): Promise<string | undefined> {
    if (!connection.credentials.exec || connection.credentials.token) return undefined;
    const key = `${connection.id}@${connection.version}`;
    let cached = this.execTokens.get(key);
    if (!cached || cached.expires < Date.now()) {
      const entry: ExecToken = { expires: Date.now() + 60_000, authorization: Promise.resolve(undefined), produced: false };
      entry.authorization = runExecPlugin(connection.credentials.exec).then(
        (credential) => {
          // a minute before the plugin's own expiry, else five minutes
          entry.expires = credential.expiresAt ? credential.expiresAt.getTime() - 60_000 : Date.now() + 300_000;
          entry.value = credential.token ? `Bearer ${credential.token}` : undefined;
          entry.produced = true;
          return entry.value;
        },
        (err: Error) => {
          entry.expires = 0; // retry on the next request
          throw new UpstreamError(502, 'CLUSTER_CREDENTIALS_FAILED', `cluster "${connection.name}": the exec credential plugin ${err.message}`);
        },
      );
      cached = entry;
      this.execTokens.set(key, cached);
    }
    return cached.authorization;
  }

  /** A raw streaming request to the cluster, for callers that read the body themselves. */
  async request(clusterId: string, req: UpstreamRequest & { subject?: Subject }): Promise<UpstreamResponse> {
    const connection = await this.connections.get(clusterId);
    const endpoint = this.pool.endpoint(connection);
    const headers = { ...req.headers, ...(await this.clusterHeaders(connection, req.subject)) };
    return requestUpstream(endpoint, { ...req, headers });
  }

  /** A JSON request; a non-2xx answer throws KubeApiError carrying the apiserver's Status. */
  async json<T = unknown>(clusterId: string, path: string, req: JsonRequest = {}): Promise<T> {
    const headers: OutgoingHttpHeaders = { accept: req.accept ?? 'application/json' };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['content-type'] = req.contentType ?? 'application/json';
      // explicit: Node sends a DELETE body without a length, which servers read as the next request
      headers['content-length'] = Buffer.byteLength(body);
    }
    const upstream: UpstreamRequest & { subject?: Subject } = { method: req.method ?? 'GET', path, headers };
    if (body !== undefined) upstream.body = body;
    if (req.signal) upstream.signal = req.signal;
    if (req.timeoutMs) upstream.timeoutMs = req.timeoutMs;
    if (req.subject) upstream.subject = req.subject;
    const res = await this.request(clusterId, upstream);
    const text = (await readBody(res)).toString('utf8');
    const status = res.statusCode;
    if (status < 200 || status > 299) throw new KubeApiError(status, parseStatus(text, status));
    return (text ? JSON.parse(text) : undefined) as T;
  }

  close(): void {
    this.pool.close();
  }
}

export function parseStatus(text: string, code: number): KubeStatus {
  try {
    const parsed = JSON.parse(text) as KubeStatus;
    if (parsed && parsed.kind === 'Status') return parsed;
  } catch {
    // not JSON: fall through
  }
  return { kind: 'Status', status: 'Failure', code, message: text.slice(0, 500) || `apiserver answered ${code}` };
}
