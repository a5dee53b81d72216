// Raw HTTP requests to a cluster's apiserver over its pooled keep-alive connections. Everything
// that talks to a cluster (proxy, watch hub, actions) goes through here, so network, TLS and
// timeout failures become the same 502/504 errors naming the cluster and the cause.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { errors as undiciErrors, type Dispatcher } from 'undici';
import type { ClusterEndpoint } from './connection-pool.js';

/** The apiserver's answer once its headers arrived; `body` is left unread for the caller. */
export interface UpstreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

export interface UpstreamRequest {
  method: string;
  /** apiserver path and query, e.g. /api/v1/namespaces/default/pods?limit=500 (already encoded) */
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: Readable | Buffer | string;
  signal?: AbortSignal;
  /** how long to wait for the response headers; default 30 s */
  timeoutMs?: number;
}

/** A failure to get any answer from the apiserver (not an error Status from it). */
export class UpstreamError extends Error {
  constructor(
    readonly statusCode: 502 | 504,
    readonly code: 'CLUSTER_UNREACHABLE' | 'CLUSTER_TLS_ERROR' | 'CLUSTER_TIMEOUT' | 'CLUSTER_CREDENTIALS_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

const tlsCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'EPROTO',
]);

function isTlsError(code: string | undefined): boolean {
  return !!code && (tlsCodes.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.startsWith('ERR_OSSL'));
}

/** Maps a socket/TLS/timeout failure to the error the console reports. */
export function classifyUpstreamFailure(endpoint: ClusterEndpoint, err: unknown, timeoutMs: number): UpstreamError {
  const where = `cluster "${endpoint.clusterName}" (${endpoint.baseUrl.host})`;
  if (err instanceof undiciErrors.HeadersTimeoutError) {
    return new UpstreamError(504, 'CLUSTER_TIMEOUT', `${where} did not answer within ${timeoutMs} ms; check that the apiserver is healthy`);
  }
  const e = err as NodeJS.ErrnoException;
  const code = e?.code;
  if (isTlsError(code)) {
    return new UpstreamError(
      502,
      'CLUSTER_TLS_ERROR',
      `TLS handshake with ${where} failed (${code}: ${e.message}); check the kubeconfig's certificate-authority-data and server name`,
    );
  }
  if (code === 'ETIMEDOUT' || err instanceof undiciErrors.ConnectTimeoutError) {
    return new UpstreamError(504, 'CLUSTER_TIMEOUT', `connecting to ${where} timed out; check the address and the network path`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new UpstreamError(502, 'CLUSTER_UNREACHABLE', `${where}: the host name does not resolve (${code})`);
  }
  const cause = code ? `${code}: ${e.message}` : (e?.message ?? String(err));
  return new UpstreamError(502, 'CLUSTER_UNREACHABLE', `${where} is unreachable (${cause})`);
}

/**
 * Sends one request and resolves with the response as soon as its headers arrive; the body is
 * left unread for the caller to stream. An abort through `signal` rejects with an AbortError
 * (before headers) or destroys the body (after).
 */
export async function requestUpstream(endpoint: ClusterEndpoint, req: UpstreamRequest): Promise<UpstreamResponse> {
  const timeoutMs = req.timeoutMs ?? 30_000;
  const headers: OutgoingHttpHeaders = { ...req.headers };
  if (endpoint.authorization) headers.authorization = endpoint.authorization;
  const options: Dispatcher.RequestOptions = {
    origin: endpoint.origin,
    // Joined as strings: a path starting with "//" must stay a path.
    path: `${endpoint.basePath}${req.path}`,
    method: req.method as Dispatcher.HttpMethod,
    headers: headers as Dispatcher.RequestOptions['headers'],
    headersTimeout: timeoutMs,
    bodyTimeout: 0,
  };
  if (req.body !== undefined) options.body = req.body;
  if (req.signal) options.signal = req.signal;
  try {
    const res = await endpoint.dispatcher.request(options);
    return { statusCode: res.statusCode, headers: res.headers as IncomingHttpHeaders, body: res.body };
  } catch (err) {
    if (req.signal?.aborted || (err as Error).name === 'AbortError') throw abortError(err);
    throw classifyUpstreamFailure(endpoint, err, timeoutMs);
  }
}

function abortError(cause: unknown): Error {
  if ((cause as Error)?.name === 'AbortError') return cause as Error;
  const err = new Error('the request was aborted', { cause });
  err.name = 'AbortError';
  return err;
}

/** Reads a whole (small) response body, e.g. a Status or a single object. */
export async function readBody(res: UpstreamResponse, limitBytes = 64 * 1024 * 1024): Promise<Buffer> {
  // A length within the limit is enforced by the HTTP framing: read it whole, without the
  // async-iterator plumbing (a measurable part of a proxied GET).
  const length = Number(res.headers['content-length'] ?? NaN);
  const body = res.body as Readable & { arrayBuffer?: () => Promise<ArrayBuffer> };
  if (length <= limitBytes && body.arrayBuffer) return Buffer.from(await body.arrayBuffer());
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      res.body.destroy();
      throw new Error(`response larger than ${limitBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
