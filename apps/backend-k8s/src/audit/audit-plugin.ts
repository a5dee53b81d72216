// The audit domain: `app.audit.record(entry)` for every other domain, a hook that records each
// mutating API request and each denial (any 403 under /api, whoever sent it), retention, and
// GET /api/v1/audit for administrators.
//
// A route tells the hook what it acted on through `request.auditContext` (the proxy sets the
// parsed Kubernetes attributes); otherwise the hook records the route and its :id.
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrorSchema, AuditPageSchema, AuditQuerySchema, CONSOLE_API_GROUP, type AuditQuery } from '@k8s-console/contracts';
import { ApiError } from '../errors/api-error.js';
import { parseRequestInfo } from '../kube/request-info.js';
import type { NonResourceAttributes, ResourceAttributes, Subject } from '../rbac/authorizer.js';
import { AuditLog, type AuditRecordInput } from './audit-log.js';

/** What a route may say about the object it acted on; merged into the request's audit record. */
export type AuditContext = Partial<Pick<AuditRecordInput, 'clusterId' | 'namespace' | 'apiGroup' | 'resource' | 'name' | 'verb' | 'detail'>> & {
  /** true when the route writes its own audit record (sign-in), or asks nothing worth one (a permission check) */
  skip?: boolean;
  /** a POST that only reads (a preview): no record of the request, but its denials are recorded as a GET's are */
  readOnly?: boolean;
};

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditLog;
    /**
     * The authorizer reports each denial here. One made while an HTTP request is being answered
     * is kept with it: a 403 answer is recorded by the hook (with status and reason), any other
     * answer gets the kept denials recorded (an apply that refused one of its documents). Denials
     * outside a request (a watch subscription, a socket message) are recorded at once. Seeing
     * whether a cluster is visible (filtering the cluster list) is not a denial.
     */
    recordAuthorizerDenial(subject: Subject, attrs: ResourceAttributes | NonResourceAttributes, reason: string): void;
  }
  interface FastifyRequest {
    auditContext: AuditContext | null;
    /** the message of a 403 this request answered with, for the denial record */
    deniedReason: string | null;
    /** denials the authorizer made while this request was answered */
    authorizerDenials: AuditRecordInput[] | null;
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const RETENTION_INTERVAL_MS = 60 * 60_000;
// Routes that record themselves (sign-in, refresh, logout, password change) or are not user requests.
const SELF_AUDITED = [/^\/api\/v1\/auth\//, /^\/api\/v1\/me\/password$/, /^\/api\/v1\/internal\//];

const METHOD_VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete', GET: 'get', HEAD: 'get' };

/** A proxied apiserver request is recorded as what it did in the cluster, parsed like the proxy parses it. */
function fromProxiedPath(request: FastifyRequest, clusterId: string | undefined): AuditContext | null {
  const raw = request.raw.url ?? '';
  const at = raw.indexOf('/k8s/');
  if (at < 0) return null;
  const [path = '/', query = ''] = raw.slice(at + 4).split('?');
  try {
    const info = parseRequestInfo(request.method, path, query);
    if (!info.isResourceRequest) return { clusterId: clusterId ?? null, verb: info.verb, resource: null, name: info.path };
    return {
      clusterId: clusterId ?? null,
      verb: info.verb,
      apiGroup: info.apiGroup,
      resource: info.subresource ? `${info.resource}/${info.subresource}` : info.resource,
      namespace: info.namespace ?? null,
      name: info.name ?? null,
    };
  } catch {
    return { clusterId: clusterId ?? null, verb: request.method.toLowerCase(), detail: 'unparseable apiserver path' };
  }
}

/** The record a request gets when its route said nothing: `/api/v1/clusters/:id` → console `clusters` named :id. */
function fromRoute(request: FastifyRequest): AuditContext {
  const route = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  if (route.includes('/k8s/')) {
    const proxied = fromProxiedPath(request, params.id);
    if (proxied) return proxied;
  }
  if (route.startsWith('/api/v1/clusters/:id/actions/') || route === '/api/v1/clusters/:id/apply') {
    // Typed actions name their target in the body; the verb is the action (scale, drain, apply…).
    const body = (request.body ?? {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    const action = route.split('/').pop() ?? '';
    return {
      clusterId: params.id ?? null,
      apiGroup: text(body.group),
      resource: text(body.resource) ?? (body.node !== undefined ? 'nodes' : null),
      namespace: text(body.namespace),
      name: text(body.name) ?? text(body.node),
      verb: action,
      detail: action === 'apply' ? (body.dryRun === false ? 'applied' : 'dry run') : null,
    };
  }
  if (route.startsWith('/api/v1/clusters/:id/namespaces/:ns/')) {
    // The log and exec streams: recorded as the pod subresource they reach.
    const last = route.split('/').pop() ?? '';
    const sub = last === 'logs' || last === 'download' ? 'log' : last;
    return {
      clusterId: params.id ?? null,
      namespace: params.ns ?? null,
      apiGroup: '',
      resource: `pods/${sub}`,
      name: params.pod ?? null,
      verb: sub === 'exec' ? 'create' : 'get',
    };
  }
  const segments = route.replace(/^\/api\/v1\//, '').split('/').filter((s) => s && !s.startsWith(':'));
  const clusterRoute = route.startsWith('/api/v1/clusters/:id');
  return {
    apiGroup: CONSOLE_API_GROUP,
    resource: segments.join('/') || route,
    name: params.id ?? null,
    clusterId: clusterRoute ? (params.id ?? null) : null,
    verb: METHOD_VERBS[request.method] ?? request.method.toLowerCase(),
  };
}

function reasonFrom(payload: unknown): string | null {
  if (typeof payload !== 'string') return null;
  try {
    // The console's `{ error: { message } }`, or a Kubernetes Status from the apiserver.
    const body = JSON.parse(payload) as { error?: { message?: unknown }; message?: unknown };
    if (typeof body.error?.message === 'string') return body.error.message;
    return typeof body.message === 'string' ? body.message : null;
  } catch {
    return null;
  }
}

export const auditPlugin = fp(
  async (app: FastifyInstance) => {
    // A lasting audit outage must be visible where operators alert, not only in the log
    const writeFailures = app.hasDecorator('metricsRegistry')
      ? new Counter({ name: 'k8s_console_audit_write_failures_total', help: 'Audit records that could not be written (each is logged at error level).', registers: [app.metricsRegistry] })
      : undefined;
    const log = new AuditLog(app.db, {
      onError: (err, entry) => {
        writeFailures?.inc();
        app.log.error({ err, action: entry.action, username: entry.username }, 'could not write an audit record');
      },
    });
    app.decorate('audit', log);
    app.decorateRequest('auditContext', null);
    app.decorateRequest('deniedReason', null);
    app.decorateRequest('authorizerDenials', null);

    // The request each subject is being answered for. The auth hook signs every /api request in
    // (WebSocket upgrades included) with a new Subject, so the subject the authorizer reports
    // names its request. (AsyncLocalStorage did this before; on Node 20 its promise hooks cost
    // every request ~10 µs.)
    const answering = new WeakMap<Subject, { request: FastifyRequest; reply: FastifyReply }>();
    // Requests whose client closed the connection before the answer was written. Node never emits
    // 'finish' for their response, so Fastify never runs onResponse: they are recorded when the
    // answer is known (onSend), or at the close when it is known already.
    const left = new WeakSet<FastifyRequest>();
    const answered = new WeakSet<FastifyRequest>();
    const recorded = new WeakSet<FastifyRequest>();

    // Runs after the auth hook (registered before this plugin), which set request.subject.
    app.addHook('onRequest', (request, reply, done) => {
      if (request.subject) answering.set(request.subject, { request, reply });
      if (request.url.startsWith('/api/')) {
        // gone already (while the auth hook looked the user up): its close was emitted before this
        if (reply.raw.destroyed) left.add(request);
        else reply.raw.once('close', () => {
          if (reply.raw.writableFinished) return;
          if (answered.has(request) || reply.raw.headersSent || reply.sent) void recordAnswer(request, reply, true);
          else left.add(request);
        });
      }
      done();
    });
    app.decorate('recordAuthorizerDenial', (subject: Subject, attrs: ResourceAttributes | NonResourceAttributes, reason: string) => {
      const http = answering.get(subject);
      if ('resource' in attrs && attrs.apiGroup === CONSOLE_API_GROUP && attrs.resource === 'clusters' && attrs.verb === 'get') return;
      const resource = 'resource' in attrs ? (attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource) : null;
      const entry: AuditRecordInput = {
        action: 'denial',
        outcome: 'denied',
        userId: subject.userId,
        username: subject.username,
        address: http?.request.ip ?? null,
        clusterId: attrs.clusterId || null,
        verb: attrs.verb,
        ...('resource' in attrs
          ? { apiGroup: attrs.apiGroup, resource, namespace: attrs.namespace ?? null, name: attrs.name ?? null }
          : { name: attrs.path }),
        detail: reason,
      };
      if (http && !http.reply.sent) (http.request.authorizerDenials ??= []).push(entry);
      else void log.record(entry);
    });

    // Callback style on purpose: an async onSend hook makes reply.send() finish later, which
    // breaks handlers that call send() without returning the reply.
    app.addHook('onSend', (request, reply, payload, done) => {
      if (reply.statusCode === 403) request.deniedReason = reasonFrom(payload);
      answered.add(request);
      if (left.has(request)) void recordAnswer(request, reply, true);
      done(null, payload);
    });

    /** The request's records (its own and the denials kept with it), once; `clientLeft` notes an answer nobody received. */
    async function recordAnswer(request: FastifyRequest, reply: FastifyReply, clientLeft: boolean): Promise<void> {
      if (recorded.has(request)) return;
      recorded.add(request);
      // the matched route's pattern when there is one: the router decodes what the raw URL may encode
      const path = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
      if (!path.startsWith('/api/')) return;
      const denied = reply.statusCode === 403;
      if (request.auditContext?.skip) return;
      if (!denied && request.authorizerDenials) {
        for (const entry of request.authorizerDenials) await log.record({ ...entry, address: request.ip, status: reply.statusCode });
      }
      if (!denied && (!MUTATING.has(request.method) || request.auditContext?.readOnly)) return;
      if (!denied && SELF_AUDITED.some((p) => p.test(path))) return;
      const { readOnly: _readOnly, skip: _skip, ...said } = request.auditContext ?? {};
      const context = { ...fromRoute(request), ...said };
      const subject = request.subject;
      const detail = denied ? (request.deniedReason ?? context.detail ?? null) : (context.detail ?? null);
      await log.record({
        action: denied ? 'denial' : 'request',
        outcome: denied ? 'denied' : reply.statusCode < 400 ? 'success' : 'failure',
        userId: subject?.userId ?? null,
        username: subject?.username ?? null,
        address: request.ip,
        ...context,
        status: reply.statusCode,
        detail: clientLeft ? [detail, 'the client closed the connection before the answer'].filter(Boolean).join('; ') : detail,
      });
    }

    app.addHook('onResponse', async (request, reply) => recordAnswer(request, reply, false));

    const retentionDays = app.config.auditRetentionDays ?? 90;
    const sweep = () =>
      log
        .deleteOlderThan(retentionDays)
        .then((n) => n > 0 && app.log.info({ deleted: n, retentionDays }, 'old audit records deleted'))
        .catch((err: unknown) => app.log.warn({ err }, 'deleting old audit records failed'));
    const timer = setInterval(sweep, RETENTION_INTERVAL_MS);
    timer.unref();
    app.addHook('onReady', async () => void sweep());
    app.addHook('onClose', async () => {
      clearInterval(timer);
      // Records still being written go in before the database closes (it closes after us).
      await log.flush();
    });

    await app.register(auditRoutes, { prefix: '/api/v1' });
  },
  { name: 'audit', dependencies: ['config', 'db', 'auth'] },
);

async function auditRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: AuditQuery }>(
    '/audit',
    { schema: { querystring: AuditQuerySchema, response: { 200: AuditPageSchema, 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema } } },
    async (request) => {
      const decision = await app.authorizer.authorizeResource(request.subject!, {
        clusterId: request.query.cluster ?? '',
        verb: 'list',
        apiGroup: CONSOLE_API_GROUP,
        resource: 'audit',
      });
      if (!decision.allowed) throw new ApiError(403, 'FORBIDDEN', decision.reason);
      return app.audit.query(request.query);
    },
  );
}
