// The cluster registry: store, connection cache, change events, periodic health checks, routes.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { ClusterConnections } from './cluster-connections.js';
import { ClusterEvents } from './cluster-events.js';
import { ClusterRegistry } from './cluster-registry.js';
import { clusterRoutes } from './cluster-routes.js';
import { ClusterStore } from './cluster-store.js';
import { HealthChecker } from './health-checker.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** decrypted clusters, cached per id and version: get(id) / invalidate(id) / reload(id) */
    clusterConnections: ClusterConnections;
    /** 'changed' after each committed change here, 'reloaded' after a cache refresh */
    clusterEvents: ClusterEvents;
    clusterRegistry: ClusterRegistry;
    clusterHealth: HealthChecker;
  }
}

export const clustersPlugin = fp(
  async (app: FastifyInstance) => {
    const store = new ClusterStore(app.db, app.keyRing);
    const events = new ClusterEvents();
    const connections = new ClusterConnections(store, events);
    const registry = new ClusterRegistry(store, connections, events, {
      allowedExecPlugins: app.config.allowedExecPlugins,
      connectionTestTimeoutMs: app.config.connectionTestTimeoutMs,
    });
    const health = new HealthChecker(store, app.config.connectionTestTimeoutMs, app.log);
    app.decorate('clusterConnections', connections);
    app.decorate('clusterEvents', events);
    app.decorate('clusterRegistry', registry);
    app.decorate('clusterHealth', health);
    app.addHook('onReady', async () => health.start(app.config.healthCheckIntervalMs));
    app.addHook('onClose', async () => health.stop());
    await app.register(clusterRoutes, { prefix: '/api/v1/clusters' });
  },
  { name: 'clusters', dependencies: ['config', 'db', 'crypto', 'auth'] },
);
