// Decrypted clusters cached per replica, keyed by id and row version, so a cluster edited here or
// on a sibling is noticed (reload/invalidate) and never served stale after that.
import { ApiError } from '../errors/api-error.js';
import type { ClusterEvents } from './cluster-events.js';
import type { ClusterStore } from './cluster-store.js';
import type { ClusterConnection } from './credentials.js';

export class ClusterConnections {
  private readonly cache = new Map<string, ClusterConnection>();
  private readonly loading = new Map<string, Promise<ClusterConnection>>();

  constructor(
    private readonly store: ClusterStore,
    private readonly events: ClusterEvents,
  ) {}

  /** The decrypted cluster; throws a 404 ApiError when it does not exist. */
  async get(id: string): Promise<ClusterConnection> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const pending = this.loading.get(id);
    if (pending) return pending;
    const load = (async () => {
      const row = await this.store.find(id);
      if (!row) throw ApiError.notFound('cluster', id);
      const connection = this.store.connectionOf(row);
      this.cache.set(id, connection);
      return connection;
    })().finally(() => this.loading.delete(id));
    this.loading.set(id, load);
    return load;
  }

  /** Forgets the cached connection; the next get() reads the row again. */
  invalidate(id: string): void {
    this.cache.delete(id);
  }

  /**
   * Re-reads the row now. A different version replaces the cached connection, a missing row drops
   * it; either way 'reloaded' is emitted when something changed. Returns the current version or null.
   */
  async reload(id: string): Promise<number | null> {
    const before = this.cache.get(id)?.version ?? null;
    const row = await this.store.find(id);
    if (!row) {
      this.cache.delete(id);
      if (before !== null) this.events.emit('reloaded', { id, version: null });
      return null;
    }
    if (before !== row.version) {
      this.cache.set(id, this.store.connectionOf(row));
      this.events.emit('reloaded', { id, version: row.version });
    }
    return row.version;
  }

  /** Ids and versions currently cached, for reconciling against the table. */
  cached(): { id: string; version: number }[] {
    return [...this.cache.values()].map((c) => ({ id: c.id, version: c.version }));
  }
}
