// The kube domain: the generic apiserver proxy, the watch hub WebSocket and typed actions, all
// over one keep-alive connection pool per cluster (`app.kube`). Every request, subscription and
// action passes `app.authorizer` with Kubernetes-style attributes first.
import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { STREAM_PROTOCOLS, WATCH_PROTOCOL } from '@k8s-console/contracts';
import { TOKEN_PROTOCOL_PREFIX } from '../auth/websocket-token.js';
import { MAX_BROWSER_FRAME_BYTES } from '../streams/stream-config.js';
import type { LiveSession } from '../rbac/live-sessions.js';
import { KubeAccess } from './kube-access.js';
import { proxyRoutes } from './proxy-route.js';
import { proxyFastPath } from './proxy-fast-path.js';
import { watchRoute } from './watch/watch-route.js';
import { WatchHub, type WatchHubOptions } from './watch/watch-hub.js';
import { actionRoutes } from './actions/action-routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** pooled access to clusters: request/json/endpoint, setImpersonationHook */
    kube: KubeAccess;
    watchHub: WatchHub;
  }
}

export interface KubePluginOptions {
  /** ms to wait for an apiserver's response headers on proxied requests; default 60 s */
  upstreamTimeoutMs?: number;
  watch?: WatchHubOptions;
  metricsRegistry?: Registry;
}

/** Subprotocols the backend's WebSocket endpoints speak; the bearer-token carrier is never chosen. */
const spokenProtocols: readonly string[] = [WATCH_PROTOCOL, ...STREAM_PROTOCOLS];

export const kubePlugin = fp(
  async (app: FastifyInstance, opts: KubePluginOptions) => {
    const kube = new KubeAccess(app.clusterConnections);
    if (opts.upstreamTimeoutMs) kube.upstreamTimeoutMs = opts.upstreamTimeoutMs;
    const hub = new WatchHub(kube, { ...opts.watch, metricsRegistry: opts.metricsRegistry ?? app.metricsRegistry });
    app.decorate('kube', kube);
    app.decorate('watchHub', hub);

    // A cluster whose kubeconfig changed or that was removed: close its sockets and watches.
    // Reconciles fire 'reloaded' on a timer: only a different version (or none) means a change.
    const forget = ({ id, version }: { id: string; version: number | null }) => {
      const known = kube.pool.versionOf(id);
      if (version !== null && (known === undefined || known === version)) return;
      kube.pool.evict(id);
      hub.clusterChanged(id, version === null);
    };
    const onChanged = (e: { id: string; action: string; version: number }) => forget({ id: e.id, version: e.action === 'deleted' ? null : e.version });
    app.clusterEvents.on('changed', onChanged);
    app.clusterEvents.on('reloaded', forget);

    app.addHook('onClose', async () => {
      app.clusterEvents.off('changed', onChanged);
      app.clusterEvents.off('reloaded', forget);
      hub.close();
      kube.close();
    });

    // An upgrade refused before @fastify/websocket's own onRequest hook ran (e.g. the auth hook's
    // 401) is not closed by it: the raw socket would stay open, unread, and block shutdown.
    app.addHook('onResponse', async (request, reply) => {
      if (request.headers.upgrade?.toLowerCase() === 'websocket' && reply.statusCode !== 101) request.raw.socket?.destroy();
    });

    if (!app.hasDecorator('websocketServer')) {
      await app.register(websocket, {
        options: {
          maxPayload: MAX_BROWSER_FRAME_BYTES,
          handleProtocols: (offered: Set<string>) => {
            for (const p of offered) if (!p.startsWith(TOKEN_PROTOCOL_PREFIX) && spokenProtocols.includes(p)) return p;
            return false;
          },
        },
      });
    }

    const authorizer = () => app.authorizer;
    // absent when console RBAC is not loaded (the rbac plugin decorates it)
    const sessions = { add: (session: LiveSession) => (app.hasDecorator('liveSessions') ? app.liveSessions.add(session) : () => undefined) };
    await app.register(proxyRoutes, { kube, authorizer, sessions });
    if (app.hasDecorator('fastPaths')) {
      app.fastPaths.install(
        proxyFastPath({
          authenticate: (token) => app.authenticate(token),
          authenticateNow: (token) => app.authenticateNow(token),
          authorizer,
          kube,
          observeRequest: (method, route, status, seconds) => app.observeRequest(method, route, status, seconds),
          log: app.log,
          sessions,
          // the embed plugin's hook adds it to every answer once hosts are listed (requests with an Origin go to the route)
          ...(app.config.embedAllowedOrigins.length > 0 ? { responseHeaders: Object.freeze({ vary: 'Origin' }) } : {}),
        }),
      );
      // From the start of close on, every request meets Fastify (which answers 503 to new ones).
      app.addHook('preClose', async () => app.fastPaths.install(null));
    }
    await app.register(watchRoute, { hub, kube, authorizer });
    await app.register(actionRoutes, { kube, authorizer });
  },
  { name: 'kube', dependencies: ['auth', 'clusters', 'metrics'] },
);
