// The proxy's most common request, served ahead of Fastify: a GET or HEAD of an apiserver path
// that the signed-in user may make. Fastify's per-request work (routing, request and reply
// objects, a child logger, the hook chain, response listeners) cost ~0.07 ms of a ~0.5 ms
// proxied GET, most of the difference to `kubectl proxy` (docs/performance.md, "Fourth pass").
//
// It answers only when the token names an active user, the path parses, the authorizer allows
// it (asked quietly) and the cluster exists; then it also answers a failure of the cluster's
// credentials (an exec plugin) with the route's 502, rather than have the route run the plugin
// a second time. Anything else (no or bad token, a refusal, a bad path, an unknown
// cluster, an Origin header, an upgrade, a body, the server closing) goes to the Fastify route
// untouched, which answers, logs and audits it as it always has. From the first upstream byte on
// it does what the route does, through the same `forwardToCluster`; it measures the request
// under the route's pattern and logs it like Fastify does.
//
// In the common case every check is answered from what this replica already holds (a verified
// token, a fresh user row, cached rules, the cached cluster), synchronously: the request goes
// upstream within the HTTP server's own callback. Awaiting those caches cost ~30 µs per request
// (each await a turn of the microtask queue, the first one after all of Node's HTTP parsing),
// more than the checks (docs/performance.md, "Fifth pass"). When anything must be looked up, the
// same checks run again with awaits, and fill those caches for the next request.
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { Authorizer, Subject } from '../rbac/authorizer.js';
import type { KubeAccess } from './kube-access.js';
import type { ClusterConnection } from '../clusters/credentials.js';
import { forwardToCluster, type Forwarding } from './forward-to-cluster.js';
import {
  authorizeRequest,
  authorizeRequestNow,
  errorBody,
  proxiedStreamSession,
  PROXY_ROOT_ROUTE,
  PROXY_ROUTE,
  splitProxiedUrl,
  upstreamHeaders,
  upstreamHeadersNow,
  type SessionRegistry,
} from './proxy-route.js';
import { UpstreamError } from './upstream-request.js';
import { parseRequestInfo, type RequestInfo } from './request-info.js';

/**
 * Looks at a request: false at once when it is not one to take; else a promise of true once it
 * answered it, or of false, having written nothing.
 */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | false;

export interface ProxyFastPathDeps {
  authenticate(token: string): Promise<Subject>;
  /** authenticate() from what is at hand, or undefined (see the app's authenticateNow) */
  authenticateNow(token: string): Subject | undefined;
  authorizer(): Authorizer;
  kube: KubeAccess;
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
  log: FastifyBaseLogger;
  /** the console's own headers on every answer, as the route's hooks add them (Vary: Origin when embedding hosts are listed) */
  responseHeaders?: OutgoingHttpHeaders;
  /** where streamed answers register to be checked again, as the route's do */
  sessions?: SessionRegistry;
}

const PROXY_PREFIX = /^\/api\/v1\/clusters\/([^/?#]+)\/k8s(?=[/?]|$)/;

/** A cheap look at the request line and headers: could the fast path take it at all? */
function mayTake(req: IncomingMessage): RegExpExecArray | null {
  if (req.method !== 'GET' && req.method !== 'HEAD') return null;
  const h = req.headers;
  // Origin: CORS for embedding hosts is the embed plugin's; upgrade: the WebSocket routes'.
  if (h.origin !== undefined || h.upgrade !== undefined || h['content-length'] !== undefined || h['transfer-encoding'] !== undefined) return null;
  if (!h.authorization?.startsWith('Bearer ')) return null;
  return PROXY_PREFIX.exec(req.url ?? '');
}

function decodedClusterId(raw: string): string | null {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

export function proxyFastPath(deps: ProxyFastPathDeps): FastPath {
  return (req, res) => {
    const match = mayTake(req);
    const clusterId = match && decodedClusterId(match[1]!);
    if (!clusterId) return false;
    const started = performance.now();
    // labelled like Fastify labels it: the bare root (`.../k8s` or `.../k8s?...`) has a route of its own
    const route = req.url![match[0].length] === '/' ? PROXY_ROUTE : PROXY_ROOT_ROUTE;
    const token = req.headers.authorization!.slice('Bearer '.length).trim();
    const ready = prepareNow(deps, req, clusterId, token);
    if (ready === REFUSED) return false;
    return ready ? send(deps, req, res, ready, route, started) : prepareAndSend(deps, req, res, clusterId, token, route, started);
  };
}

/** What prepareNow gives for a request the route is to answer (a refusal, a bad path). */
const REFUSED = Symbol('refused');

/** A request to forward: where, what, with which headers. */
function forwarding(
  deps: ProxyFastPathDeps,
  req: IncomingMessage,
  subject: Subject,
  clusterId: string,
  info: RequestInfo,
  connection: ClusterConnection,
  path: string,
  query: string,
  headers: OutgoingHttpHeaders,
): Forwarding {
  return {
    clusterId,
    endpoint: deps.kube.endpointFor(connection),
    method: req.method!,
    target: query ? `${path}?${query}` : path,
    headers,
    timeoutMs: deps.kube.upstreamTimeoutMs,
    log: deps.log,
    onStreaming: proxiedStreamSession(deps.sessions, deps.authorizer, subject, clusterId, info),
  };
}

/**
 * The request ready to forward, decided synchronously from what this replica already holds (a
 * verified token, a fresh user row, cached rules, the cached cluster and its credentials): the
 * common case, where every await (each a turn of the event loop's microtask queue) would cost
 * more than the checks. REFUSED for a request the route answers (a refusal, a bad path);
 * undefined when something must be looked up first (prepareAndSend does).
 */
function prepareNow(deps: ProxyFastPathDeps, req: IncomingMessage, clusterId: string, token: string): Forwarding | typeof REFUSED | undefined {
  const subject = deps.authenticateNow(token);
  if (!subject) return undefined;
  const { path, query } = splitProxiedUrl(req.url!);
  let info: RequestInfo;
  try {
    info = parseRequestInfo(req.method!, path, query);
  } catch {
    return REFUSED;
  }
  const decision = authorizeRequestNow(deps.authorizer(), subject, clusterId, info);
  if (!decision) return undefined;
  if (!decision.allowed) return REFUSED;
  const connection = deps.kube.connectionNow(clusterId);
  const headers = connection && upstreamHeadersNow(deps.kube, connection, req.headers);
  if (!headers) return undefined;
  return forwarding(deps, req, subject, clusterId, info, connection, path, query, headers);
}

/**
 * The same checks, looking up what is not at hand. Any failure up to the first upstream byte
 * leaves the request to the Fastify route (false), except the cluster's credentials (an exec
 * plugin failing): the route would only run the plugin again to give the same 502, so that one
 * is answered here.
 */
async function prepareAndSend(deps: ProxyFastPathDeps, req: IncomingMessage, res: ServerResponse, clusterId: string, token: string, route: string, started: number): Promise<boolean> {
  let prepared: Forwarding;
  try {
    const subject = await deps.authenticate(token);
    const { path, query } = splitProxiedUrl(req.url!);
    const info = parseRequestInfo(req.method!, path, query);
    const decision = await authorizeRequest(deps.authorizer(), subject, clusterId, info, { quiet: true });
    if (!decision.allowed) return false;
    const connection = await deps.kube.connection(clusterId);
    prepared = forwarding(deps, req, subject, clusterId, info, connection, path, query, {});
    try {
      prepared.headers = await upstreamHeaders(deps.kube, connection, req.headers, subject);
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      return send(deps, req, res, prepared, route, started, err);
    }
  } catch {
    return false;
  }
  return send(deps, req, res, prepared, route, started);
}

/** Forwards (or answers the credentials failure), then measures and logs; resolves true: answered. */
function send(deps: ProxyFastPathDeps, req: IncomingMessage, res: ServerResponse, fwd: Forwarding, route: string, started: number, credentialsFailure?: UpstreamError): Promise<boolean> {
  if (credentialsFailure) {
    answerError(res, deps.responseHeaders, credentialsFailure.statusCode, credentialsFailure.code, credentialsFailure.message);
    completed(deps, req, res, fwd.clusterId, route, started);
    return ANSWERED;
  }
  return forwardToCluster(req, res, fwd, deps.responseHeaders ? () => deps.responseHeaders! : noOwnHeaders).then(
    (failure) => {
      if (failure) answerError(res, deps.responseHeaders, failure.statusCode, failure.code, failure.message);
      completed(deps, req, res, fwd.clusterId, route, started);
      return true;
    },
    (err: unknown) => {
      deps.log.error({ err, cluster: fwd.clusterId }, 'proxied request failed');
      if (!res.headersSent) answerError(res, deps.responseHeaders, 500, 'INTERNAL', 'the console failed to proxy this request; see its log');
      else res.destroy();
      completed(deps, req, res, fwd.clusterId, route, started);
      return true;
    },
  );
}

/**
 * Measures and logs an answered request once its last byte was handed over (or the client left
 * during it); one that left before any answer is neither (the route does not count those either).
 */
function completed(deps: ProxyFastPathDeps, req: IncomingMessage, res: ServerResponse, clusterId: string, route: string, started: number): void {
  if (!res.headersSent) return;
  const ms = performance.now() - started;
  deps.observeRequest(req.method!, route, res.statusCode, ms / 1000);
  deps.log.info({ req: { method: req.method, url: req.url }, res: { statusCode: res.statusCode }, responseTime: ms, cluster: clusterId }, 'request completed');
}

const ANSWERED = Promise.resolve(true);
const noOwnHeaders = (): OutgoingHttpHeaders => ({});

function answerError(res: ServerResponse, own: OutgoingHttpHeaders | undefined, statusCode: number, code: string, message: string): void {
  const body = errorBody(code, message);
  res.writeHead(statusCode, { ...own, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Holds the fast path the kube domain installs, and makes the HTTP server Fastify listens with
 * (Fastify's `serverFactory`) hand each request to it first. Without one installed, or for a
 * request it does not take, the request goes to Fastify at once, in the same tick.
 */
export class FastPathSlot {
  private fastPath: FastPath | null = null;

  install(fastPath: FastPath | null): void {
    this.fastPath = fastPath;
  }

  /** Fastify's serverFactory: its own HTTP/1 server, with the same timeouts it would set. */
  readonly serverFactory = (handler: (req: IncomingMessage, res: ServerResponse) => void, options: FastifyServerOptions): Server => {
    const server = createServer((req, res) => {
      let answering: ReturnType<FastPath>;
      try {
        answering = this.fastPath?.(req, res) ?? false;
      } catch {
        answering = false; // the route answers (and logs) what the fast path tripped over
      }
      if (answering === false) return handler(req, res);
      answering.then(
        (answered) => answered || handler(req, res),
        () => (res.headersSent ? res.destroy() : handler(req, res)),
      );
    });
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    return server;
  };
}
