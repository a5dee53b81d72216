// Keeps sibling replicas' cluster connections in step (DESIGN "Replicas"): a change made here is
// broadcast to every peer (fast path), published by PostgreSQL NOTIFY (no peer list needed), and
// every replica reconciles its cache with the clusters table at start and on a timer (heals any
// message lost on the way). Also serves the signed internal reload endpoint siblings call.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { childLogger } from '../observability/logger-options.js';
import { Broadcaster, type ClusterChange } from './broadcaster.js';
import { ChangeListener, publishAccessChange, publishChange, type ChangeNotice } from './change-notifications.js';
import { replicationMetrics } from './metrics.js';
import { PeerDiscovery } from './peer-discovery.js';
import { Reconciler } from './reconciler.js';
import { reloadRoute } from './reload-route.js';
import { replicationSettingsOf, type ReplicationSettings } from './replication-settings.js';
import { RequestVerifier } from './signing.js';

export { signRequest, RequestVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER, NONCE_HEADER } from './signing.js';
export { reloadPath } from './broadcaster.js';

const INTERNAL_PREFIX = '/api/v1/internal';

export interface Replication {
  /** this replica's id in broadcasts and notifications */
  instanceId: string;
  settings: ReplicationSettings;
  broadcaster: Broadcaster;
  discovery: PeerDiscovery;
  reconciler: Reconciler;
  /** null on SQLite or with REPLICATION_NOTIFY=off */
  listener: ChangeListener | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    replication: Replication;
  }
}

export interface ReplicationPluginOptions {
  /** overrides what the config says (REPLICATION_BROADCAST, REPLICATION_NOTIFY, RECONCILE_INTERVAL_MS, INTERNAL_PORT) */
  settings?: Partial<ReplicationSettings>;
}

export const replicationPlugin = fp(
  async (app: FastifyInstance, opts: ReplicationPluginOptions) => {
    const config = app.config;
    const settings: ReplicationSettings = { ...replicationSettingsOf(config), ...opts.settings };
    const log = childLogger(app.log, { module: 'replication' });
    const instanceId = randomUUID();
    const metrics = replicationMetrics(app.metricsRegistry);
    const postgres = app.store.dialect === 'postgres' && config.databaseUrl !== undefined;

    const discovery = new PeerDiscovery(
      {
        podIps: config.podIps,
        instanceAddresses: config.instanceAddresses,
        serviceName: config.serviceName,
        podNamespace: config.podNamespace,
        // with an internal port, that is where every replica takes its siblings' requests
        podPort: settings.internalPort ?? config.podPort,
        podIp: config.podIp,
        ownPort: () => settings.internalPort ?? (app.server.address() as AddressInfo | null)?.port ?? config.port,
      },
      log,
    );
    const broadcaster = new Broadcaster({
      discovery,
      secret: config.internalSecret,
      timeoutMs: config.broadcastTimeoutMs,
      origin: instanceId,
      logger: log,
      metrics,
    });

    const reconciler = new Reconciler(
      app.clusterConnections,
      async () => {
        const rows = await app.db.selectFrom('clusters').select(['id', 'version']).execute();
        return new Map(rows.map((r) => [r.id, Number(r.version)]));
      },
      log,
      (count) => metrics.reloadsReceived.inc({ source: 'reconcile' }, count),
    );

    async function reloadFromNotice(notice: ChangeNotice): Promise<void> {
      // the broadcast usually got here first: nothing to do when that version is already cached
      const cached = app.clusterConnections.cached().find((c) => c.id === notice.id);
      if (cached && cached.version === notice.version && notice.action !== 'deleted') return;
      const version = await app.clusterConnections.reload(notice.id);
      metrics.reloadsReceived.inc({ source: 'notify' });
      log.info({ clusterId: notice.id, version, action: notice.action, origin: notice.origin }, 'reloaded a cluster on a change notification');
    }

    const listener =
      postgres && settings.notify
        ? new ChangeListener({
            connectionString: config.databaseUrl!,
            origin: instanceId,
            logger: log,
            onChange: (notice) => {
              reloadFromNotice(notice).catch((err: unknown) =>
                log.warn({ clusterId: notice.id, err: (err as Error).message }, 'reload after a change notification failed; reconcile will retry'),
              );
            },
            onAccessChange: (change) => {
              metrics.accessChangesReceived.inc();
              if (app.hasDecorator('rbac')) app.rbac.changedElsewhere(change);
            },
            onConnected: (reconnected) => {
              if (!reconnected) return;
              void reconciler.reconcile().catch(() => undefined);
              // access notices sent while away are lost too
              if (app.hasDecorator('rbac')) app.rbac.changedElsewhere({});
            },
          })
        : null;
    const stopAccessNotices =
      postgres && settings.notify && app.hasDecorator('rbac')
        ? app.rbac.onAccessChanged((change) => {
            publishAccessChange(app.db, { origin: instanceId, ...change }).catch((err: unknown) =>
              log.warn({ err: (err as Error).message }, 'could not publish the access change notification'),
            );
          })
        : () => undefined;

    const onChanged = (change: ClusterChange) => {
      // neither path may hold up the user's request that made the change
      if (settings.broadcast) void broadcaster.broadcast(change);
      if (postgres && settings.notify) {
        publishChange(app.db, { ...change, origin: instanceId }).catch((err: unknown) =>
          log.warn({ clusterId: change.id, err: (err as Error).message }, 'could not publish the change notification'),
        );
      }
    };
    app.clusterEvents.on('changed', onChanged);

    app.decorate('replication', { instanceId, settings, broadcaster, discovery, reconciler, listener });

    // The internal port answers the internal routes and nothing else; requests go through the
    // same Fastify routing (hooks, schemas, error handler) as on the main port.
    let internalServer: Server | null = null;
    async function listenInternal(port: number): Promise<void> {
      const server = createServer((req, res) => {
        if (req.url?.startsWith(INTERNAL_PREFIX + '/')) return app.routing(req, res);
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'this port serves only the internal replica API' } }));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, config.host, () => resolve());
      });
      internalServer = server;
      log.info({ port }, 'internal replica API listening on its own port');
    }

    app.addHook('onReady', async () => {
      if (settings.internalPort !== undefined) await listenInternal(settings.internalPort);
      listener?.start();
      reconciler.start(settings.reconcileIntervalMs);
      const { method, peers } = await discovery.discover();
      log.info(
        { instanceId, method, peers: peers.length, broadcast: settings.broadcast, notify: listener !== null, reconcileIntervalMs: settings.reconcileIntervalMs },
        'replica sync started',
      );
    });
    app.addHook('onClose', async () => {
      app.clusterEvents.off('changed', onChanged);
      stopAccessNotices();
      reconciler.stop();
      await Promise.all([broadcaster.close(), listener?.close(), reconciler.idle()]);
      const server = internalServer as Server | null;
      if (server) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    await app.register(reloadRoute, {
      prefix: INTERNAL_PREFIX,
      verifier: new RequestVerifier(config.internalSecret),
      metrics,
      internalPort: settings.internalPort,
    });
  },
  { name: 'replication', dependencies: ['config', 'db', 'metrics', 'clusters'] },
);
