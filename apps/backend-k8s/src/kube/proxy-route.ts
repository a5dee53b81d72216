// `/api/v1/clusters/:id/k8s/*`: the one generic way to any apiserver path. The request is parsed
// like the apiserver would parse it, authorized by console RBAC before any byte goes upstream,
// then streamed both ways: bodies are never buffered, so watches and big lists flow through.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClusterConnection } from '../clusters/credentials.js';
import type { AuthorizeOptions, Authorizer, Decision, NonResourceAttributes, ResourceAttributes, Subject } from '../rbac/authorizer.js';
import { forwardToCluster, type Forwarding } from './forward-to-cluster.js';
import { connectionListed, isHopByHop } from './hop-by-hop.js';
import type { LiveSession } from '../rbac/live-sessions.js';
import type { KubeAccess } from './kube-access.js';
import { parseRequestInfo, RequestPathError, type RequestInfo } from './request-info.js';
import { UpstreamError } from './upstream-request.js';

/** Where long-lived answers register to be checked again (the RBAC plugin's LiveSessions). */
export interface SessionRegistry {
  add(session: LiveSession): () => void;
}

export interface ProxyRouteOptions {
  kube: KubeAccess;
  authorizer: () => Authorizer;
  sessions?: SessionRegistry;
}

/** Request headers never forwarded: the console's own credentials and anything claiming identity. */
function isStrippedRequestHeader(name: string): boolean {
  return (
    isHopByHop(name) ||
    name === 'host' ||
    name === 'expect' || // 100-continue is between client and console; the console reads the body as it comes
    name === 'authorization' ||
    name === 'cookie' ||
    name === 'origin' || // the browser's page, not the apiserver's business: CORS is the console's (embed plugin)
    name.startsWith('impersonate-') ||
    name.startsWith('x-remote-') ||
    name.startsWith('x-forwarded-') ||
    name === 'forwarded' ||
    name.startsWith('sec-websocket-')
  );
}

export function forwardedRequestHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const listed = connectionListed(headers.connection);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || isStrippedRequestHeader(name) || listed.includes(name)) continue;
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

/** The authorizer's attributes of a parsed apiserver request. */
function attributesOf(clusterId: string, info: RequestInfo): { resource: ResourceAttributes } | { nonResource: NonResourceAttributes } {
  if (!info.isResourceRequest) return { nonResource: { clusterId, verb: info.verb, path: info.path } };
  const attrs: ResourceAttributes = { clusterId, verb: info.verb, apiGroup: info.apiGroup, apiVersion: info.apiVersion, resource: info.resource };
  if (info.subresource) attrs.subresource = info.subresource;
  if (info.namespace) attrs.namespace = info.namespace;
  if (info.name) attrs.name = info.name;
  return { resource: attrs };
}

/** Asks the authorizer about a parsed apiserver request. */
export async function authorizeRequest(authorizer: Authorizer, subject: Subject, clusterId: string, info: RequestInfo, options?: AuthorizeOptions): Promise<Decision> {
  const attrs = attributesOf(clusterId, info);
  if ('resource' in attrs) return authorizer.authorizeResource(subject, attrs.resource, options);
  return authorizer.authorizeNonResource(subject, attrs.nonResource, options);
}

/** authorizeRequest from what the authorizer already holds (no denial reported); undefined when it cannot say now. */
export function authorizeRequestNow(authorizer: Authorizer, subject: Subject, clusterId: string, info: RequestInfo): Decision | undefined {
  const attrs = attributesOf(clusterId, info);
  if ('resource' in attrs) return authorizer.authorizeResourceNow?.(subject, attrs.resource);
  return authorizer.authorizeNonResourceNow?.(subject, attrs.nonResource);
}

/**
 * A streamed answer (a watch, a followed log) as a live session: when users, roles or bindings
 * change, its user is checked again and the request authorized again, and the answer is cut off
 * once the user is gone or disabled or the request no longer allowed, as the WebSocket watches
 * and streams are.
 */
export function proxiedStreamSession(
  sessions: SessionRegistry | undefined,
  authorizer: () => Authorizer,
  subject: Subject,
  clusterId: string,
  info: RequestInfo,
): Forwarding['onStreaming'] {
  if (!sessions) return undefined;
  return (revoke) =>
    sessions.add({
      subject,
      end: revoke,
      async recheck(current) {
        if (!current) return revoke('the user was disabled or removed');
        const decision = await authorizeRequest(authorizer(), current, clusterId, info, { quiet: true });
        if (!decision.allowed) revoke(decision.reason);
      },
    });
}

/** The client's headers that may cross, and the cluster's own (exec-plugin token, impersonation). */
export async function upstreamHeaders(kube: KubeAccess, connection: ClusterConnection, incoming: IncomingHttpHeaders, subject: Subject): Promise<OutgoingHttpHeaders> {
  return Object.assign(forwardedRequestHeaders(incoming), await kube.clusterHeaders(connection, subject));
}

/** upstreamHeaders, synchronously, when the cluster's own are at hand (KubeAccess.clusterHeadersNow); else undefined. */
export function upstreamHeadersNow(kube: KubeAccess, connection: ClusterConnection, incoming: IncomingHttpHeaders): OutgoingHttpHeaders | undefined {
  const own = kube.clusterHeadersNow(connection);
  return own && Object.assign(forwardedRequestHeaders(incoming), own);
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
      info = parseRequestInfo(request.method, path, query);
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
        onStreaming: proxiedStreamSession(opts.sessions, opts.authorizer, subject, clusterId, info),
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
    // The client left before the cluster answered, and nothing was written: an answer nobody
    // reads, so that the request is logged and audited (it may have reached the cluster).
    else if (!reply.sent && !reply.raw.headersSent) sendError(reply, 499, 'CLIENT_CLOSED_REQUEST', 'the client closed the connection before the cluster answered');
  };

  app.all(PROXY_ROOT_ROUTE, handler);
  app.all(PROXY_ROUTE, handler);
}
