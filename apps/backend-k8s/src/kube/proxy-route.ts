// `/api/v1/clusters/:id/k8s/*`: the one generic way to any apiserver path. The request is parsed
// like the apiserver would parse it, authorized by console RBAC before any byte goes upstream,
// then streamed both ways: bodies are never buffered, so watches and big lists flow through.
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClusterConnection } from '../clusters/credentials.js';
import type { AuthorizeOptions, Authorizer, Subject } from '../rbac/authorizer.js';
import type { ClusterEndpoint } from './connection-pool.js';
import type { KubeAccess } from './kube-access.js';
import { parseRequestInfo, RequestPathError, type RequestInfo } from './request-info.js';
import { readBody, RequestAbort, requestUpstream, UpstreamError } from './upstream-request.js';

/** Bodies up to this size with a Content-Length are read whole, then sent in one write. */
const SMALL_BODY_BYTES = 64 * 1024;

export interface ProxyRouteOptions {
  kube: KubeAccess;
  authorizer: () => Authorizer;
}

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Request headers never forwarded: the console's own credentials and anything claiming identity. */
function isStrippedRequestHeader(name: string): boolean {
  return (
    hopByHop.has(name) ||
    name === 'host' ||
    name === 'expect' || // 100-continue is between client and console; the console reads the body as it comes
    name === 'authorization' ||
    name === 'cookie' ||
    name.startsWith('impersonate-') ||
    name.startsWith('x-remote-') ||
    name.startsWith('x-forwarded-') ||
    name === 'forwarded' ||
    name.startsWith('sec-websocket-')
  );
}

/** Header names the Connection header lists (hop-by-hop for this connection only), lower-cased. */
function connectionListed(headers: IncomingHttpHeaders): string[] {
  const value = headers.connection;
  if (!value || value === 'keep-alive' || value === 'close') return NONE_LISTED;
  return String(value)
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

const NONE_LISTED: string[] = [];

export function forwardedRequestHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || isStrippedRequestHeader(name) || listed.includes(name)) continue;
    out[name] = value;
  }
  return out;
}

/** The apiserver's response headers a client may see, added to `out` (the console's own). */
export function forwardedResponseHeaders(headers: IncomingHttpHeaders, out: OutgoingHttpHeaders = {}): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || hopByHop.has(name) || listed.includes(name) || name === 'set-cookie') continue;
    out[name] = value;
  }
  return out;
}

/** The apiserver path and query after `/api/v1/clusters/<id>/k8s`, still percent-encoded. */
export function splitProxiedUrl(rawUrl: string): { path: string; query: string } {
  const q = rawUrl.indexOf('?');
  const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const query = q === -1 ? '' : rawUrl.slice(q + 1);
  const m = /^\/api\/v1\/clusters\/[^/]+\/k8s(\/.*)?$/.exec(pathname);
  return { path: m?.[1] ?? '/', query };
}

/** The console's JSON error body, as every route answers. */
export function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

function sendError(reply: FastifyReply, statusCode: number, code: string, message: string): void {
  void reply.code(statusCode).type('application/json').send(errorBody(code, message));
}

/** Asks the authorizer about a parsed apiserver request. */
export async function authorizeRequest(authorizer: Authorizer, subject: Subject, clusterId: string, info: RequestInfo, options?: AuthorizeOptions) {
  if (!info.isResourceRequest) return authorizer.authorizeNonResource(subject, { clusterId, verb: info.verb, path: info.path }, options);
  const attrs: Parameters<Authorizer['authorizeResource']>[1] = {
    clusterId,
    verb: info.verb,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
  };
  if (info.subresource) attrs.subresource = info.subresource;
  if (info.namespace) attrs.namespace = info.namespace;
  if (info.name) attrs.name = info.name;
  return authorizer.authorizeResource(subject, attrs, options);
}

/** One authorized request, ready to go to its cluster. */
export interface Forwarding {
  clusterId: string;
  endpoint: ClusterEndpoint;
  method: string;
  /** apiserver path and query, still percent-encoded */
  target: string;
  /** what goes upstream: the client's headers that may cross, and the cluster's own */
  headers: OutgoingHttpHeaders;
  timeoutMs: number;
  log: FastifyBaseLogger;
}

/** The client's headers that may cross, and the cluster's own (exec-plugin token, impersonation). */
export async function upstreamHeaders(kube: KubeAccess, connection: ClusterConnection, incoming: IncomingHttpHeaders, subject: Subject): Promise<OutgoingHttpHeaders> {
  return { ...forwardedRequestHeaders(incoming), ...(await kube.clusterHeaders(connection, subject)) };
}

/**
 * Sends the request on and streams the apiserver's answer to `res`: the headers at once (a
 * watch sends its first event much later), the body as it arrives, never buffered whole. A
 * small answer of known length goes out as one write. `answerHeaders` runs just before the
 * first byte is written and gives the console's own response headers. Resolves with the
 * upstream failure when the apiserver could not be reached (nothing written: the caller
 * answers it), else with null once the answer ended or the client left.
 */
export async function forwardToCluster(
  req: IncomingMessage,
  res: ServerResponse,
  fwd: Forwarding,
  answerHeaders: () => OutgoingHttpHeaders,
): Promise<UpstreamError | null> {
  const abort = new RequestAbort();
  const onClientGone = () => {
    if (!res.writableFinished) abort.abort();
  };
  res.on('close', onClientGone);
  try {
    const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    let upstream;
    try {
      upstream = await requestUpstream(fwd.endpoint, {
        method: fwd.method,
        path: fwd.target,
        headers: fwd.headers,
        ...(hasBody && fwd.method !== 'GET' && fwd.method !== 'HEAD' ? { body: req } : {}),
        signal: abort,
        timeoutMs: fwd.timeoutMs,
      });
    } catch (err) {
      if (abort.aborted) return null; // the client left; nobody to answer
      if (err instanceof UpstreamError) {
        fwd.log.warn({ cluster: fwd.clusterId, code: err.code, cause: err.message }, 'cluster request failed');
        return err;
      }
      throw err;
    }

    res.writeHead(upstream.statusCode, forwardedResponseHeaders(upstream.headers, answerHeaders()));
    const length = upstream.headers['content-length'] === undefined ? NaN : Number(upstream.headers['content-length']);
    try {
      if (length <= SMALL_BODY_BYTES) {
        // A small answer of known length (most GETs) goes out as one write of headers and body,
        // without the per-chunk stream plumbing, which cost more than the bytes.
        res.end(await readBody(upstream, SMALL_BODY_BYTES));
      } else {
        // Open-ended (a watch, a chunked list): the headers go out now, the body as it arrives.
        if (Number.isNaN(length)) res.flushHeaders();
        await pipeline(upstream.body, res);
      }
    } catch (err) {
      if (!abort.aborted) fwd.log.debug({ cluster: fwd.clusterId, err: (err as Error).message }, 'proxied stream ended early');
      upstream.body.destroy();
      res.destroy();
    }
    return null;
  } finally {
    res.off('close', onClientGone);
  }
}

/** The route patterns proxied requests are measured under: the apiserver root, and any path below. */
export const PROXY_ROOT_ROUTE = '/api/v1/clusters/:id/k8s';
export const PROXY_ROUTE = `${PROXY_ROOT_ROUTE}/*`;

export async function proxyRoutes(app: FastifyInstance, opts: ProxyRouteOptions): Promise<void> {
  // Leave every body unread: it is streamed to the apiserver as it arrives.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  const handler = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const subject = (request as FastifyRequest & { subject?: Subject }).subject;
    if (!subject) return sendError(reply, 401, 'UNAUTHORIZED', 'sign in first: send Authorization: Bearer <token>');
    const clusterId = request.params.id;
    const { path, query } = splitProxiedUrl(request.raw.url ?? '/');

    let info: RequestInfo;
    try {
      info = parseRequestInfo(request.method, path, new URLSearchParams(query));
    } catch (err) {
      if (err instanceof RequestPathError) return sendError(reply, 400, err.code, err.message);
      throw err;
    }
    const decision = await authorizeRequest(opts.authorizer(), subject, clusterId, info);
    if (!decision.allowed) return sendError(reply, 403, 'FORBIDDEN', decision.reason);

    // Resolves the cluster (404 ApiError for an unknown id) before anything is sent upstream.
    const connection = await opts.kube.connection(clusterId);
    let headers: OutgoingHttpHeaders;
    try {
      headers = await upstreamHeaders(opts.kube, connection, request.headers, subject);
    } catch (err) {
      if (err instanceof UpstreamError) return sendError(reply, err.statusCode, err.code, err.message);
      throw err;
    }

    const res = reply.raw;
    const failure = await forwardToCluster(
      request.raw,
      res,
      {
        clusterId,
        endpoint: opts.kube.endpointFor(connection),
        method: request.method,
        target: query ? `${path}?${query}` : path,
        headers,
        timeoutMs: opts.kube.upstreamTimeoutMs,
        log: request.log,
      },
      () => {
        // Fastify still logs, measures and audits a hijacked reply when it finishes ('finish');
        // one the client left before its end (a closed watch) only closes: that one is done here.
        reply.hijack();
        res.once('close', () => {
          if (res.writableFinished) return;
          request.log.info({ res: { statusCode: res.statusCode }, responseTime: reply.elapsedTime, cluster: clusterId }, 'proxied request ended by the client');
          app.observeRequest(request.method, request.routeOptions.url ?? PROXY_ROUTE, res.statusCode, reply.elapsedTime / 1000);
        });
        return reply.getHeaders() as OutgoingHttpHeaders;
      },
    );
    if (failure) sendError(reply, failure.statusCode, failure.code, failure.message);
  };

  app.all(PROXY_ROOT_ROUTE, handler);
  app.all(PROXY_ROUTE, handler);
}
