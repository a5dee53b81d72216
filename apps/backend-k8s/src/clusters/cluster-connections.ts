// Decrypted clusters cached per replica, keyed by id and row version, so a cluster edited here or
// on a sibling is noticed (reload/invalidate) and never served stale after that.
import { ApiError } from '../errors/api-error.js';
import type { ClusterEvents } from './cluster-events.js';
import type { ClusterStore } from './cluster-store.js';
import type { ClusterConnection } from './credentials.js';

export class ClusterConnections {
  private readonly cache = new Map<string, ClusterConnection>();
  private readonly loading = new Map<string, Promise<ClusterConnection>>();
  // Bumped when an id is invalidated or found deleted: a read that began before must not store what
  // it read, since versions alone cannot order a row against its own absence.
  private readonly forgotten = new Map<string, number>();

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
    const generation = this.generationOf(id);
    const load: Promise<ClusterConnection> = (async () => {
      const row = await this.store.find(id);
      if (!row) throw ApiError.notFound('cluster', id);
      const connection = this.store.connectionOf(row);
      // A reload() may have cached a newer version while this read was in flight: keep the newest.
      if (this.generationOf(id) !== generation) return connection;
      return this.storeIfNewer(connection);
    })().finally(() => {
      if (this.loading.get(id) === load) this.loading.delete(id);
    });
    this.loading.set(id, load);
    return load;
  }

  /** The cached connection get() would give, without reading the row; undefined when not cached. */
  getNow(id: string): ClusterConnection | undefined {
    return this.cache.get(id);
  }

  /** Forgets the cached connection; the next get() reads the row again. */
  invalidate(id: string): void {
    this.forget(id);
  }

  /**
   * Re-reads the row now. A newer version replaces the cached connection, a missing row drops
   * it; either way 'reloaded' is emitted when something changed. Returns the current version or null.
   */
  async reload(id: string): Promise<number | null> {
    const generation = this.generationOf(id);
    const row = await this.store.find(id);
    if (!row) {
      const hadOne = this.cache.has(id);
      this.forget(id);
      if (hadOne) this.events.emit('reloaded', { id, version: null });
      return null;
    }
    // Invalidated or deleted while this read ran: what it read may be stale, so store nothing.
    if (this.generationOf(id) !== generation) return row.version;
    const before = this.cache.get(id)?.version ?? null;
    const current = this.storeIfNewer(this.store.connectionOf(row));
    if (current.version !== before) this.events.emit('reloaded', { id, version: current.version });
    return current.version;
  }

  /** Ids and versions currently cached, for reconciling against the table. */
  cached(): { id: string; version: number }[] {
    return [...this.cache.values()].map((c) => ({ id: c.id, version: c.version }));
  }

  private generationOf(id: string): number {
    return this.forgotten.get(id) ?? 0;
  }

  private forget(id: string): void {
    this.cache.delete(id);
    this.loading.delete(id);
    this.forgotten.set(id, this.generationOf(id) + 1);
  }

  /** Caches the connection unless a newer version is already cached; returns the cached one. */
  private storeIfNewer(connection: ClusterConnection): ClusterConnection {
    const cached = this.cache.get(connection.id);
    if (cached && cached.version >= connection.version) return cached;
    this.cache.set(connection.id, connection);
    return connection;
  }
}
