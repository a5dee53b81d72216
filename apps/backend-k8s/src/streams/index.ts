// The streams domain: pod logs (WebSocket, download, aggregated per workload) and exec.
// Register `streamsPlugin` inside the API; it takes what it needs from options or, when absent,
// from the app's decorators (authenticate, authorizer, clusterConnections, audit).
import websocket from '@fastify/websocket';
import { STREAM_PROTOCOLS, type ExecSessionRecord } from '@k8s-console/contracts';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import type { ClusterConnection } from '../clusters/credentials.js';
import { protocolChooser } from '../auth/websocket-token.js';
import type { Authorizer, Subject } from '../rbac/authorizer.js';
import type { LiveSession } from '../rbac/live-sessions.js';
import { logExecRecorder, type ExecSessionRecorder } from './exec-session-recorder.js';
import { MAX_BROWSER_FRAME_BYTES, streamLimitsFromEnv, type StreamLimits } from './stream-config.js';
import { streamMetrics } from './stream-metrics.js';
import { registerStreamRoutes } from './stream-routes.js';
import type { StreamAccessDeps } from './stream-access.js';

export { STREAM_PROTOCOLS } from '@k8s-console/contracts';
export { MemoryExecRecorder, type ExecSessionRecorder } from './exec-session-recorder.js';
export { streamLimitsFromEnv, type StreamLimits } from './stream-config.js';
export { streamMetrics, type StreamMetrics } from './stream-metrics.js';

export interface StreamsPluginOptions {
  authenticate?: StreamAccessDeps['authenticate'];
  authorizer?: Authorizer;
  clusters?: StreamAccessDeps['clusters'];
  recorder?: ExecSessionRecorder;
  limits?: Partial<StreamLimits>;
  metricsRegistry?: Registry;
}

/** The decorators other domains put on the app, read loosely so this plugin works before and after they exist. */
interface AppDecorators {
  authenticate?: (token: string) => Promise<Subject | null | undefined>;
  authorizer?: Authorizer;
  clusterConnections?: { get(id: string): Promise<ClusterConnection | null | undefined> };
  kube?: { withExecToken(connection: ClusterConnection): Promise<ClusterConnection> };
  audit?: { record(entry: Record<string, unknown>): unknown };
  metricsRegistry?: Registry;
  liveSessions?: { add(session: LiveSession): () => void };
}

/**
 * The app's clusters, with the token of an allowed exec plugin (EKS, GKE and the like) put in
 * place by the kube domain, so logs and terminals reach them like the proxy does. The token is the
 * one valid when the stream opens; a stream outliving it keeps its already open connection.
 */
function clustersWithExecTokens(clusters: NonNullable<AppDecorators['clusterConnections']>, decorated: AppDecorators): StreamAccessDeps['clusters'] {
  return {
    async get(id) {
      const connection = await clusters.get(id);
      // looked up per stream: the kube domain may register after this plugin
      return connection && decorated.kube ? decorated.kube.withExecToken(connection) : connection;
    },
  };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`streams plugin: no ${what} (pass it as an option or decorate the app first)`);
  return value;
}

export const streamsPlugin: FastifyPluginAsync<StreamsPluginOptions> = async (app: FastifyInstance, opts) => {
  const decorated = app as unknown as AppDecorators;
  const fallback = logExecRecorder(app.log);
  // app.audit is looked up per session: the audit domain may register after this plugin
  const recorder: ExecSessionRecorder = opts.recorder ?? {
    record: async (e: ExecSessionRecord) => {
      if (decorated.audit) await decorated.audit.record({ action: 'pods/exec', ...e });
      else fallback.record(e);
    },
  };
  if (!app.hasDecorator('websocketServer')) {
    // normally registered once by the kube plugin with the protocol chooser of every endpoint
    await app.register(websocket, { options: { maxPayload: MAX_BROWSER_FRAME_BYTES, handleProtocols: protocolChooser(STREAM_PROTOCOLS) } });
  }
  required(opts.authorizer ?? decorated.authorizer, 'authorizer');
  await registerStreamRoutes(app, {
    authenticate: required(opts.authenticate ?? decorated.authenticate?.bind(app), 'authenticate'),
    // read on every check: the RBAC domain may replace app.authorizer after this plugin registered
    authorizer: opts.authorizer ?? {
      authorizeResource: (s, a) => (app as unknown as Required<AppDecorators>).authorizer.authorizeResource(s, a),
      authorizeNonResource: (s, a) => (app as unknown as Required<AppDecorators>).authorizer.authorizeNonResource(s, a),
    },
    clusters: opts.clusters ?? clustersWithExecTokens(required(decorated.clusterConnections, 'clusterConnections'), decorated),
    recorder,
    limits: { ...streamLimitsFromEnv(), ...opts.limits },
    metrics: streamMetrics(opts.metricsRegistry ?? decorated.metricsRegistry),
    // looked up per stream: the RBAC domain may register after this plugin
    liveSessions: { add: (session) => decorated.liveSessions?.add(session) ?? (() => undefined) },
  });
};
