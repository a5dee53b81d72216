// Raw requests to a cluster's apiserver for the stream endpoints: log streams must be readable
// (and pausable) as Node streams. They go through the kube domain's requestUpstream over a pool of
// keep-alive connections per cluster (id + version), like the proxy: the same TLS, proxy-url and
// failure messages. Built only from sanitised ClusterCredentials.
import type { IncomingHttpHeaders } from 'node:http';
import type https from 'node:https';
import type { Readable } from 'node:stream';
import type { Pool } from 'undici';
import type { ClusterConnection, ClusterCredentials } from '../clusters/credentials.js';
import { ClusterConnectionPool } from '../kube/connection-pool.js';
import { requestUpstream } from '../kube/upstream-request.js';

export class UpstreamUnsupportedError extends Error {}

/** The apiserver's answer: its body as a stream, with the status and headers on it. */
export type UpstreamStream = Readable & { statusCode: number; headers: IncomingHttpHeaders };

// The stream endpoints' own pool: log streams are long-lived and must not take the proxy's sockets.
const pool = new ClusterConnectionPool({ maxSockets: 1024 });

/** TLS options for https.request and the ws client (the same fields for both). */
export function tlsOptions(creds: ClusterCredentials): https.AgentOptions {
  const opts: https.AgentOptions = {};
  if (creds.caPem) opts.ca = creds.caPem;
  if (creds.clientCertPem) opts.cert = creds.clientCertPem;
  if (creds.clientKeyPem) opts.key = creds.clientKeyPem;
  if (creds.tlsServerName) opts.servername = creds.tlsServerName;
  if (creds.insecureSkipTlsVerify) opts.rejectUnauthorized = false;
  return opts;
}

/** Authorization headers for the apiserver. An exec plugin's token is put in place by the kube domain (streams/index.ts); without it, such a cluster is refused. */
export function authHeaders(creds: ClusterCredentials): Record<string, string> {
  if (creds.token) return { authorization: `Bearer ${creds.token}` };
  if (creds.username !== undefined && creds.password !== undefined) {
    return { authorization: `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` };
  }
  if (creds.exec && !creds.clientCertPem) {
    throw new UpstreamUnsupportedError(
      'this cluster authenticates with an exec plugin, which log and exec streams do not support yet; use a token or client certificate',
    );
  }
  return {};
}

/** Requests this module has in flight to a cluster (for tests: a stream that ends ends its request). */
export function upstreamRequestsRunning(conn: ClusterConnection): number {
  return (pool.endpoint(conn).dispatcher as Pool).stats.running;
}

/** The apiserver URL for a path and query (the server may carry a path prefix, as behind Rancher). */
export function upstreamUrl(creds: ClusterCredentials, path: string, query?: URLSearchParams): URL {
  const base = new URL(creds.server);
  const url = new URL(base.pathname.replace(/\/$/, '') + path, base);
  if (query) url.search = query.toString();
  return url;
}

export interface UpstreamRequestOptions {
  method?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Starts a request and resolves with the response head; the body is left unread for the caller. */
export async function upstreamGet(
  conn: ClusterConnection,
  path: string,
  query: URLSearchParams | undefined,
  opts: UpstreamRequestOptions = {},
): Promise<UpstreamStream> {
  // refuses an exec-plugin cluster whose token was not put in place
  const { authorization } = authHeaders(conn.credentials);
  // The pool is keyed by cluster id and version, and keeps the Authorization of the connection it
  // was built from: an exec plugin's token is fresh on each `conn` (the kube domain renews it)
  // while id and version stay, so this request's own credentials go with it.
  const pooled = pool.endpoint(conn);
  const endpoint = authorization === pooled.authorization ? pooled : { ...pooled, authorization };
  const search = query?.toString();
  const res = await requestUpstream(endpoint, {
    method: opts.method ?? 'GET',
    path: search ? `${path}?${search}` : path,
    headers: { accept: 'application/json, */*', ...opts.headers },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return Object.assign(res.body, { statusCode: res.statusCode, headers: res.headers });
}

/** Reads a small response body (a Status on error), at most `limit` bytes. */
export async function readSmallBody(res: Readable, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.destroy();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readJson<T>(res: Readable, limit = 32 * 1024 * 1024): Promise<T> {
  return JSON.parse(await readSmallBody(res, limit)) as T;
}

/** The message of a Kubernetes Status body, or the raw text when it is not one. */
export function statusMessage(body: string, fallback: string): string {
  try {
    const parsed = JSON.parse(body) as { kind?: string; message?: string };
    if (parsed.message) return parsed.message;
  } catch {
    // not JSON
  }
  const text = body.trim().slice(0, 500);
  return text || fallback;
}

/** Our error code for an apiserver status code. */
export function upstreamErrorCode(status: number): string {
  if (status === 400) return 'BAD_REQUEST';
  if (status === 401) return 'CLUSTER_UNAUTHORIZED';
  if (status === 403) return 'CLUSTER_FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'CLUSTER_THROTTLED';
  return 'UPSTREAM_ERROR';
}
