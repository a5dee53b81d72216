import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseKeyRingSpec } from '../config/key-ring-spec.js';
import { KeyRing } from '../crypto/key-ring.js';
import { openStore, type Store } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { ClusterConnections } from './cluster-connections.js';
import { ClusterEvents } from './cluster-events.js';
import { ClusterStore, type ClusterRow } from './cluster-store.js';

/** A real store whose next find() can be held back, to order a slow read after a newer one. */
class HeldClusterStore extends ClusterStore {
  private held: { release: Promise<void>; started: () => void } | null = null;

  /** The next find() reads the row at once but returns it only after release resolves. */
  holdNextFind(release: Promise<void>): Promise<void> {
    return new Promise((started) => {
      this.held = { release, started };
    });
  }

  override async find(id: string): Promise<ClusterRow | undefined> {
    const held = this.held;
    this.held = null;
    const row = await super.find(id);
    if (held) {
      held.started();
      await held.release;
    }
    return row;
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ClusterConnections', () => {
  let dir: string;
  let db: Store;
  let store: HeldClusterStore;
  let connections: ClusterConnections;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cluster-connections-'));
    db = openStore({ dataDir: dir });
    await migrateToLatest(db.db);
    store = new HeldClusterStore(db.db, new KeyRing(parseKeyRingSpec(`k1:${Buffer.alloc(32, 3).toString('base64')}`)));
    connections = new ClusterConnections(store, new ClusterEvents());
  });

  afterEach(async () => {
    await db.db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const credentials = (server: string) => ({ server, token: 'secret-token' });

  it('a get() that read an old row does not overwrite the newer one a reload() cached meanwhile', async () => {
    const row = await store.create({ name: 'one', credentials: credentials('https://old.example:6443'), createdBy: 'admin' });
    const release = deferred();
    const started = store.holdNextFind(release.promise);
    const slowGet = connections.get(row.id);
    await started; // the get has read version 1
    await store.update(row.id, { credentials: credentials('https://new.example:6443') });
    expect(await connections.reload(row.id)).toBe(2);
    release.resolve();
    await slowGet;
    const current = await connections.get(row.id);
    expect(current.version).toBe(2);
    expect(current.credentials.server).toBe('https://new.example:6443');
  });

  it('a get() that read a row before it was deleted does not bring it back into the cache', async () => {
    const row = await store.create({ name: 'gone', credentials: credentials('https://gone.example:6443'), createdBy: 'admin' });
    await connections.get(row.id);
    connections.invalidate(row.id);
    const release = deferred();
    const started = store.holdNextFind(release.promise);
    const slowGet = connections.get(row.id);
    await started;
    await store.remove(row.id);
    expect(await connections.reload(row.id)).toBeNull();
    release.resolve();
    await slowGet;
    expect(connections.cached()).toEqual([]);
    await expect(connections.get(row.id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('an older reload() finishing last does not replace a newer cached version', async () => {
    const row = await store.create({ name: 'two', credentials: credentials('https://a.example:6443'), createdBy: 'admin' });
    const release = deferred();
    const started = store.holdNextFind(release.promise);
    const slowReload = connections.reload(row.id);
    await started;
    await store.update(row.id, { description: 'edited' });
    expect(await connections.reload(row.id)).toBe(2);
    release.resolve();
    await slowReload;
    expect(connections.cached()).toEqual([{ id: row.id, version: 2 }]);
  });

  it('concurrent get()s share one load and cache it', async () => {
    const row = await store.create({ name: 'three', credentials: credentials('https://c.example:6443'), createdBy: 'admin' });
    const [a, b] = await Promise.all([connections.get(row.id), connections.get(row.id)]);
    expect(a).toBe(b);
    expect(connections.cached()).toEqual([{ id: row.id, version: 1 }]);
  });
});
