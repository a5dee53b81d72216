// One keep-alive connection pool per cluster, so the proxy, the watch hub and actions reuse TLS
// connections instead of opening one per request (what @kubernetes/client-node 1.4 does). The
// pool is keyed by cluster id and the row's version: a new version (kubeconfig edited) evicts
// the old pool and closes its sockets.
// The pools are undici's, not Node's http.Agent: writing a request on a pooled connection costs
// about a quarter of the CPU of `https.request` (no ClientRequest, no agent hand-over on the next
// tick), which is most of what a small proxied GET spends (docs/performance.md).
import { Pool, ProxyAgent, Socks5ProxyAgent, type Dispatcher } from 'undici';
import type { ClusterConnection, ClusterCredentials } from '../clusters/credentials.js';

export interface ClusterEndpoint {
  clusterId: string;
  clusterName: string;
  version: number;
  /** apiserver base URL */
  baseUrl: URL;
  /** its origin, computed once (URL's getter builds it on every read) */
  origin: string;
  /** the base URL's path without a trailing slash ('' for most clusters): apiserver paths are appended to it */
  basePath: string;
  /** the cluster's connection pool (or, with a kubeconfig proxy-url, the agent through the proxy) */
  dispatcher: Dispatcher;
  /** Authorization header for the cluster's own credentials, if it uses a token or basic auth */
  authorization?: string;
}

export interface ConnectionPoolOptions {
  /** sockets kept per cluster, default 64 */
  maxSockets?: number;
}

function authorizationFor(credentials: ClusterCredentials): string | undefined {
  if (credentials.token) return `Bearer ${credentials.token}`;
  if (credentials.username !== undefined && credentials.password !== undefined) {
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
  }
  return undefined;
}

function tlsOptions(credentials: ClusterCredentials) {
  const tls: { ca?: string; cert?: string; key?: string; servername?: string; rejectUnauthorized: boolean } = {
    rejectUnauthorized: !credentials.insecureSkipTlsVerify,
  };
  if (credentials.caPem) tls.ca = credentials.caPem;
  if (credentials.clientCertPem) tls.cert = credentials.clientCertPem;
  if (credentials.clientKeyPem) tls.key = credentials.clientKeyPem;
  if (credentials.tlsServerName) tls.servername = credentials.tlsServerName;
  return tls;
}

/** The dispatcher for one cluster: a pool of keep-alive connections, through its proxy-url if set. */
export function dispatcherFor(credentials: ClusterCredentials, baseUrl: URL, connections: number): Dispatcher {
  const tls = tlsOptions(credentials);
  // Idle connections close after 30 s unless the server's keep-alive hint says sooner; answers
  // are never timed out once their headers arrived (a watch is quiet for minutes).
  const pool = { connections, keepAliveTimeout: 30_000, bodyTimeout: 0 };
  const proxyUrl = credentials.proxyUrl;
  if (!proxyUrl) return new Pool(baseUrl.origin, { ...pool, connect: tls });
  const proxy = new URL(proxyUrl);
  if (proxy.protocol === 'http:' || proxy.protocol === 'https:') return new ProxyAgent({ uri: proxyUrl, requestTls: tls, ...pool });
  if (proxy.protocol === 'socks5:') {
    // requestTls (the TLS to the apiserver inside the tunnel) is read by undici 7 but missing from its types
    return new Socks5ProxyAgent(proxyUrl, { requestTls: tls, ...pool } as Socks5ProxyAgent.Options);
  }
  throw new Error(`proxy-url scheme ${proxy.protocol} is not supported (http, https or socks5)`);
}

/** Closes a pool at once: requests in flight fail (as they did with a destroyed agent). */
function close(endpoint: ClusterEndpoint): void {
  endpoint.dispatcher.destroy().catch(() => undefined);
}

export class ClusterConnectionPool {
  private readonly endpoints = new Map<string, ClusterEndpoint>();
  private readonly maxSockets: number;

  constructor(options: ConnectionPoolOptions = {}) {
    this.maxSockets = options.maxSockets ?? 64;
  }

  /** The endpoint for this connection, building (or rebuilding, on a new version) its pool. */
  endpoint(connection: ClusterConnection): ClusterEndpoint {
    const cached = this.endpoints.get(connection.id);
    if (cached && cached.version === connection.version) return cached;
    if (cached) close(cached);
    const baseUrl = new URL(connection.credentials.server);
    if (baseUrl.protocol !== 'https:' && baseUrl.protocol !== 'http:') {
      throw new Error(`cluster ${connection.name}: server URL must be https:// or http://`);
    }
    const endpoint: ClusterEndpoint = {
      clusterId: connection.id,
      clusterName: connection.name,
      version: connection.version,
      baseUrl,
      origin: baseUrl.origin,
      basePath: baseUrl.pathname.replace(/\/+$/, ''),
      dispatcher: dispatcherFor(connection.credentials, baseUrl, this.maxSockets),
    };
    const authorization = authorizationFor(connection.credentials);
    if (authorization) endpoint.authorization = authorization;
    this.endpoints.set(connection.id, endpoint);
    return endpoint;
  }

  /** Drops a cluster's agent (cluster removed or reloaded). */
  evict(clusterId: string): void {
    const cached = this.endpoints.get(clusterId);
    if (!cached) return;
    close(cached);
    this.endpoints.delete(clusterId);
  }

  /** the version of the cached agent, if any */
  versionOf(clusterId: string): number | undefined {
    return this.endpoints.get(clusterId)?.version;
  }

  get size(): number {
    return this.endpoints.size;
  }

  close(): void {
    for (const endpoint of this.endpoints.values()) close(endpoint);
    this.endpoints.clear();
  }
}
