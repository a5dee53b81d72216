// Keeps sibling replicas' cluster connections in step (DESIGN "Replicas"): a change made here is
// broadcast to every peer (fast path), published by PostgreSQL NOTIFY (no peer list needed), and
// every replica reconciles its cache with the clusters table at start and on a timer (heals any
// message lost on the way). Also serves the signed internal reload endpoint siblings call.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Broadcaster, type ClusterChange } from './broadcaster.js';
import { ChangeListener, publishChange, type ChangeNotice } from './change-notifications.js';
import { replicationMetrics } from './metrics.js';
import { PeerDiscovery } from './peer-discovery.js';
import { Reconciler } from './reconciler.js';
import { reloadRoute } from './reload-route.js';
import { parseReplicationSettings, type ReplicationSettings } from './replication-settings.js';
import { RequestVerifier } from './signing.js';

export { signRequest, RequestVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER, NONCE_HEADER } from './signing.js';
export { reloadPath } from './broadcaster.js';

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
  /** overrides REPLICATION_BROADCAST / REPLICATION_NOTIFY / RECONCILE_INTERVAL_MS from the environment */
  settings?: Partial<ReplicationSettings>;
}

export const replicationPlugin = fp(
  async (app: FastifyInstance, opts: ReplicationPluginOptions) => {
    const settings: ReplicationSettings = { ...parseReplicationSettings(), ...opts.settings };
    const config = app.config;
    const log = app.log.child({ module: 'replication' });
    const instanceId = randomUUID();
    const metrics = replicationMetrics(app.metricsRegistry);
    const postgres = app.store.dialect === 'postgres' && config.databaseUrl !== undefined;

    const discovery = new PeerDiscovery(
      {
        podIps: config.podIps,
        instanceAddresses: config.instanceAddresses,
        serviceName: config.serviceName,
        podNamespace: config.podNamespace,
        podPort: config.podPort,
        podIp: config.podIp,
        ownPort: () => (app.server.address() as AddressInfo | null)?.port ?? config.port,
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
            onConnected: (reconnected) => {
              if (reconnected) void reconciler.reconcile().catch(() => undefined);
            },
          })
        : null;

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

    app.addHook('onReady', async () => {
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
      reconciler.stop();
      await Promise.all([broadcaster.close(), listener?.close(), reconciler.idle()]);
    });

    await app.register(reloadRoute, { prefix: '/api/v1/internal', verifier: new RequestVerifier(config.internalSecret), metrics });
  },
  { name: 'replication', dependencies: ['config', 'db', 'metrics', 'clusters'] },
);
