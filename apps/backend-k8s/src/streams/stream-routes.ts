// The stream endpoints: pod log (WebSocket and streamed download), aggregated workload logs and
// exec. Authentication, authorization and the per-user limits all run before the upgrade.
import {
  AggregatedLogQuerySchema,
  ApiErrorSchema,
  ExecQuerySchema,
  LogQuerySchema,
  StreamCloseCode,
  type AggregatedLogQuery,
  type ExecQuery,
  type LogQuery,
} from '@k8s-console/contracts';
import type {} from '@fastify/websocket';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import type { LiveSession } from '../rbac/live-sessions.js';
import { streamAggregatedLogs } from './aggregated-log-stream.js';
import type { ExecSessionRecorder } from './exec-session-recorder.js';
import { runExecSession, type StopCause } from './exec-session.js';
import { podLogPath, podLogQuery, streamPodLog } from './pod-log-stream.js';
import { SessionLimiter } from './session-limiter.js';
import { closeSocket, sendControl } from './stream-control.js';
import { authorizeAll, streamAccess, streamAccessHook, type StreamAccessDeps } from './stream-access.js';
import type { StreamLimits } from './stream-config.js';
import type { StreamMetrics } from './stream-metrics.js';
import { readSmallBody, statusMessage, upstreamErrorCode, upstreamGet, type UpstreamStream } from './upstream-http.js';
import { workloadResource, workloadSelector, WorkloadLookupError } from './workload-selector.js';

export interface StreamRouteDeps extends StreamAccessDeps {
  recorder: ExecSessionRecorder;
  limits: StreamLimits;
  metrics: StreamMetrics;
  /** open streams are registered here and authorized again when users, roles or bindings change */
  liveSessions?: { add(session: LiveSession): () => void };
}

type Stoppable = { stop(code: number, reason: string, cause: StopCause): void };

const name = Type.String({ minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' });
const PodParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }), ns: name, pod: name });
const NamespaceParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }), ns: name });
type PodParams = { id: string; ns: string; pod: string };
type NamespaceParams = { id: string; ns: string };

const errorResponses = { 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema, 404: ApiErrorSchema, 429: ApiErrorSchema, 502: ApiErrorSchema };

export async function registerStreamRoutes(app: FastifyInstance, deps: StreamRouteDeps): Promise<void> {
  const execLimiter = new SessionLimiter(deps.limits.execSessionsPerUser);
  const logLimiter = new SessionLimiter(deps.limits.logStreamsPerUser);
  // A slot per user is taken before the upgrade (so a refusal is a plain HTTP 429) and given back
  // when the stream ends, or when the connection dies before or during the upgrade.
  const slots = new WeakMap<IncomingMessage, () => void>();
  const takeSlot = (limiter: SessionLimiter, code: string, what: string) => async (req: FastifyRequest, reply: FastifyReply) => {
    // a plain GET or HEAD is answered 404 by the WebSocket plugin: it must not hold a slot
    if (!req.ws) return;
    const release = limiter.acquire(streamAccess(req).subject.userId);
    if (!release) {
      return reply.code(429).send({ error: { code, message: `you already have ${limiter.limit} ${what} open; close one first` } });
    }
    slots.set(req.raw, release);
    req.raw.socket.once('close', release);
  };
  const releaseSlot = (req: FastifyRequest) => slots.get(req.raw)?.();
  // open streams, each with the function that unregisters it from liveSessions
  const open = new Map<Stoppable, () => void>();
  const track = <T extends Stoppable>(stream: T, req: FastifyRequest, socket: WebSocket): T => {
    const { subject, checks } = streamAccess(req);
    const revoke = (message: string) => {
      sendControl(socket, { type: 'error', code: 'ACCESS_REVOKED', message });
      stream.stop(StreamCloseCode.AccessRevoked, 'access revoked', 'access-revoked');
    };
    const forget = deps.liveSessions?.add({
      subject,
      end: revoke,
      async recheck(current) {
        if (!current) return revoke('your account was disabled or removed: sign in again');
        const decision = await authorizeAll(deps.authorizer, current, checks);
        if (!decision.allowed) revoke(`access revoked: ${decision.reason}`);
      },
    });
    open.set(stream, forget ?? (() => undefined));
    return stream;
  };
  const untrack = (stream: Stoppable) => {
    open.get(stream)?.();
    open.delete(stream);
  };
  app.addHook('onClose', async () => {
    for (const s of [...open.keys()]) s.stop(StreamCloseCode.GoingAway, 'server shutting down', 'shutdown');
  });

  const podLogAccess = streamAccessHook(deps, (req) => {
    const p = req.params as PodParams;
    return [{ verb: 'get', apiGroup: '', resource: 'pods', subresource: 'log', namespace: p.ns, name: p.pod }];
  });

  app.get<{ Params: PodParams; Querystring: LogQuery }>(
    '/api/v1/clusters/:id/namespaces/:ns/pods/:pod/log',
    {
      websocket: true,
      schema: { params: PodParams, querystring: LogQuerySchema, response: errorResponses },
      preValidation: podLogAccess,
      preHandler: takeSlot(logLimiter, 'TOO_MANY_STREAMS', 'log streams'),
    },
    (socket, req) => {
      const { cluster } = streamAccess(req);
      const stream = track(
        streamPodLog({
          socket,
          cluster,
          namespace: req.params.ns,
          pod: req.params.pod,
          query: req.query,
          idleTimeoutMs: deps.limits.idleTimeoutMs,
          metrics: deps.metrics,
          onDone: () => {
            untrack(stream);
            releaseSlot(req);
          },
        }),
        req,
        socket,
      );
    },
  );

  app.get<{ Params: PodParams; Querystring: LogQuery }>(
    '/api/v1/clusters/:id/namespaces/:ns/pods/:pod/log/download',
    { schema: { params: PodParams, querystring: LogQuerySchema, response: errorResponses }, preValidation: podLogAccess },
    async (req, reply) => downloadPodLog(req, reply, deps),
  );

  app.get<{ Params: NamespaceParams; Querystring: AggregatedLogQuery }>(
    '/api/v1/clusters/:id/namespaces/:ns/logs',
    {
      websocket: true,
      schema: { params: NamespaceParams, querystring: AggregatedLogQuerySchema, response: errorResponses },
      preValidation: streamAccessHook(deps, (req) => {
        const p = req.params as NamespaceParams;
        const q = req.query as AggregatedLogQuery;
        // the stream lists the pods, then watches them come and go
        const checks = [
          { verb: 'get', apiGroup: '', resource: 'pods', subresource: 'log', namespace: p.ns },
          { verb: 'list', apiGroup: '', resource: 'pods', namespace: p.ns },
          { verb: 'watch', apiGroup: '', resource: 'pods', namespace: p.ns },
        ];
        // runs before the query is validated: an unknown kind is left to the schema's 400
        const workload = typeof q.kind === 'string' ? workloadResource(q.kind) : undefined;
        if (workload && q.name) checks.push({ verb: 'get', ...workload, namespace: p.ns, name: q.name } as never);
        return checks;
      }),
      preHandler: [
        async (req, reply) => {
          const q = req.query as AggregatedLogQuery;
          const byWorkload = Boolean(q.kind && q.name);
          if (byWorkload === Boolean(q.labelSelector) || Boolean(q.kind) !== Boolean(q.name)) {
            return reply.code(400).send({
              error: { code: 'VALIDATION_FAILED', message: 'give either kind and name of a workload, or a labelSelector', field: 'labelSelector' },
            });
          }
        },
        takeSlot(logLimiter, 'TOO_MANY_STREAMS', 'log streams'),
      ],
    },
    (socket, req) => {
      const { cluster } = streamAccess(req);
      const q = req.query;
      const abort = new AbortController();
      socket.once('close', () => abort.abort());
      // while the workload is looked up the socket is already open: an access change or a
      // shutdown in that time ends it like a running stream
      const lookup = track(
        {
          stop: (code: number, reason: string) => {
            abort.abort();
            closeSocket(socket, code, reason);
          },
        },
        req,
        socket,
      );
      void (async () => {
        let labelSelector = q.labelSelector ?? '';
        if (q.kind && q.name) {
          try {
            labelSelector = await workloadSelector(cluster, req.params.ns, q.kind, q.name, abort.signal);
          } catch (err) {
            untrack(lookup);
            if (abort.signal.aborted) return;
            const e = err as WorkloadLookupError;
            sendControl(socket, { type: 'error', code: e.code ?? 'UPSTREAM_ERROR', message: e.message });
            closeSocket(socket, StreamCloseCode.UpstreamError, 'workload lookup failed');
            return;
          }
        }
        untrack(lookup);
        if (abort.signal.aborted) return;
        const stream = track(
          streamAggregatedLogs({
            socket,
            cluster,
            namespace: req.params.ns,
            labelSelector,
            query: q,
            idleTimeoutMs: deps.limits.idleTimeoutMs,
            maxSources: deps.limits.logSourcesPerStream,
            metrics: deps.metrics,
            onDone: () => {
              untrack(stream);
              releaseSlot(req);
            },
          }),
          req,
          socket,
        );
      })();
    },
  );

  app.get<{ Params: PodParams; Querystring: ExecQuery }>(
    '/api/v1/clusters/:id/namespaces/:ns/pods/:pod/exec',
    {
      websocket: true,
      schema: { params: PodParams, querystring: ExecQuerySchema, response: errorResponses },
      preValidation: streamAccessHook(deps, (req) => {
        const p = req.params as PodParams;
        return [{ verb: 'create', apiGroup: '', resource: 'pods', subresource: 'exec', namespace: p.ns, name: p.pod }];
      }),
      preHandler: takeSlot(execLimiter, 'TOO_MANY_SESSIONS', 'terminal sessions'),
    },
    (socket, req) => {
      const { cluster, subject } = streamAccess(req);
      const session = track(
        runExecSession({
          socket,
          cluster,
          subject,
          address: req.ip,
          namespace: req.params.ns,
          pod: req.params.pod,
          query: req.query,
          idleTimeoutMs: deps.limits.idleTimeoutMs,
          metrics: deps.metrics,
          recorder: deps.recorder,
          log: req.log,
          onDone: () => {
            untrack(session);
            releaseSlot(req);
          },
        }),
        req,
        socket,
      );
    },
  );
}

async function downloadPodLog(req: FastifyRequest<{ Params: PodParams; Querystring: LogQuery }>, reply: FastifyReply, deps: StreamRouteDeps) {
  const { cluster } = streamAccess(req);
  const { ns, pod } = req.params;
  // a download is the log as it is now: never follow
  const query = podLogQuery({ ...req.query, follow: false });
  const abort = new AbortController();
  req.raw.once('close', () => abort.abort());
  let res: UpstreamStream;
  try {
    res = await upstreamGet(cluster, podLogPath(ns, pod), query, { signal: abort.signal });
  } catch (err) {
    return reply.code(502).send({ error: { code: 'UPSTREAM_UNREACHABLE', message: `cannot reach the cluster: ${(err as Error).message}` } });
  }
  const status = res.statusCode ?? 0;
  if (status !== 200) {
    const body = await readSmallBody(res).catch(() => '');
    const code = [400, 403, 404].includes(status) ? status : 502;
    return reply.code(code).send({ error: { code: upstreamErrorCode(status), message: statusMessage(body, `the apiserver answered ${status}`) } });
  }
  deps.metrics.open.inc({ kind: 'log-download' });
  res.on('data', (c: Buffer) => deps.metrics.bytes.inc({ kind: 'log-download', direction: 'to_client' }, c.length));
  res.once('close', () => deps.metrics.open.dec({ kind: 'log-download' }));
  const file = `${pod}${req.query.container ? `-${req.query.container}` : ''}${req.query.previous ? '-previous' : ''}.log`;
  return reply
    .header('content-type', 'text/plain; charset=utf-8')
    .header('content-disposition', `attachment; filename="${file}"`)
    .header('cache-control', 'no-store')
    .send(res);
}
