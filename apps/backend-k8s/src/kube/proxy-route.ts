// `/api/v1/clusters/:id/k8s/*`: the one generic way to any apiserver path. The request is parsed
// like the apiserver would parse it, authorized by console RBAC before any byte goes upstream,
// then streamed both ways: bodies are never buffered, so watches and big lists flow through.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authorizer, Subject } from '../rbac/authorizer.js';
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

function sendError(reply: FastifyReply, statusCode: number, code: string, message: string): void {
  void reply.code(statusCode).type('application/json').send({ error: { code, message } });
}

async function authorize(authorizer: Authorizer, subject: Subject, clusterId: string, info: RequestInfo) {
  if (!info.isResourceRequest) return authorizer.authorizeNonResource(subject, { clusterId, verb: info.verb, path: info.path });
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
  return authorizer.authorizeResource(subject, attrs);
}

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
    const decision = await authorize(opts.authorizer(), subject, clusterId, info);
    if (!decision.allowed) return sendError(reply, 403, 'FORBIDDEN', decision.reason);

    // Resolves the cluster (404 ApiError for an unknown id) before anything is sent upstream.
    const connection = await opts.kube.connection(clusterId);
    const endpoint = opts.kube.endpointFor(connection);
    let headers: OutgoingHttpHeaders;
    try {
      headers = { ...forwardedRequestHeaders(request.headers), ...(await opts.kube.clusterHeaders(connection, subject)) };
    } catch (err) {
      if (err instanceof UpstreamError) return sendError(reply, err.statusCode, err.code, err.message);
      throw err;
    }

    const abort = new RequestAbort();
    const onClientGone = () => {
      if (!reply.raw.writableFinished) abort.abort();
    };
    reply.raw.on('close', onClientGone);

    const hasBody = request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined;
    let upstream;
    try {
      upstream = await requestUpstream(endpoint, {
        method: request.method,
        path: query ? `${path}?${query}` : path,
        headers,
        ...(hasBody && request.method !== 'GET' && request.method !== 'HEAD' ? { body: request.raw } : {}),
        signal: abort,
        timeoutMs: opts.kube.upstreamTimeoutMs,
      });
    } catch (err) {
      reply.raw.off('close', onClientGone);
      if (abort.aborted) return; // the client left; nobody to answer
      if (err instanceof UpstreamError) {
        request.log.warn({ cluster: clusterId, code: err.code, cause: err.message }, 'cluster request failed');
        return sendError(reply, err.statusCode, err.code, err.message);
      }
      throw err;
    }

    // Hijack so the response headers go out at once: a watch sends its first event much later.
    // Fastify still logs, measures and audits a hijacked reply when it finishes ('finish'); one
    // the client left before its end (a closed watch) only closes, so that one is done here.
    reply.hijack();
    const res = reply.raw;
    const status = upstream.statusCode;
    res.once('close', () => {
      if (res.writableFinished) return;
      request.log.info({ res: { statusCode: status }, responseTime: reply.elapsedTime, cluster: clusterId }, 'proxied request ended by the client');
      app.observeRequest(request, status, reply.elapsedTime / 1000);
    });
    res.writeHead(status, forwardedResponseHeaders(upstream.headers, reply.getHeaders() as OutgoingHttpHeaders));
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
      if (!abort.aborted) request.log.debug({ cluster: clusterId, err: (err as Error).message }, 'proxied stream ended early');
      upstream.body.destroy();
      res.destroy();
    } finally {
      reply.raw.off('close', onClientGone);
    }
  };

  app.all('/api/v1/clusters/:id/k8s', handler);
  app.all('/api/v1/clusters/:id/k8s/*', handler);
}
