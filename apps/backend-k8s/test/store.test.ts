// The same store suite on SQLite and PostgreSQL: migrations, clusters (sealed), users, reseal.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase } from '@k8s-console/test-support';
import { openStore, type Store } from '../src/db/database.js';
import { migrateToLatest, pendingMigrations } from '../src/db/migrate.js';
import { parseKeyRingSpec } from '../src/config/key-ring-spec.js';
import { KeyRing } from '../src/crypto/key-ring.js';
import { ClusterStore } from '../src/clusters/cluster-store.js';
import { UserStore } from '../src/auth/user-store.js';
import { ApiError } from '../src/errors/api-error.js';

const pg = await freshPostgresDatabase();
const key = () => randomBytes(32).toString('base64');

const backends: { name: string; available: boolean; open: () => Promise<{ store: Store; cleanup: () => Promise<void> }> }[] = [
  {
    name: 'sqlite',
    available: true,
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kc-store-'));
      return { store: openStore({ dataDir: dir }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    available: pg.available,
    open: async () => ({ store: openStore({ dataDir: '/nonexistent', databaseUrl: pg.url }), cleanup: () => pg.drop() }),
  },
];

for (const backend of backends) {
  describe.runIf(backend.available)(`store on ${backend.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    const k1 = key();
    const ring = new KeyRing(parseKeyRingSpec(`k1:${k1}`));
    let clusters: ClusterStore;
    let users: UserStore;

    beforeAll(async () => {
      ({ store, cleanup } = await backend.open());
      await migrateToLatest(store.db);
      clusters = new ClusterStore(store.db, ring);
      users = new UserStore(store.db);
    });
    afterAll(async () => {
      await store?.db.destroy();
      await cleanup?.();
    });

    it('applies every migration and is idempotent', async () => {
      expect(await pendingMigrations(store.db)).toEqual([]);
      expect(await migrateToLatest(store.db)).toEqual([]);
    });

    it('creates, reads, updates and deletes clusters with sealed credentials', async () => {
      const row = await clusters.create({
        name: 'prod',
        description: 'production',
        credentials: { server: 'https://prod:6443', token: 'tok-123' },
        createdBy: 'admin',
        test: { ok: true, server: 'https://prod:6443', version: 'v1.30.0' },
      });
      expect(row.version).toBe(1);
      expect(row.sealed_credentials).not.toContain('tok-123');
      const read = await clusters.get(row.id);
      expect(read).toMatchObject({ name: 'prod', server: 'https://prod:6443', k8s_version: 'v1.30.0', health_status: 'ok', key_id: 'k1' });
      expect(clusters.openCredentials(read)).toEqual({ server: 'https://prod:6443', token: 'tok-123' });

      const updated = await clusters.update(row.id, { description: 'prod!', credentials: { server: 'https://prod2:6443', token: 'tok-456' } });
      expect(updated.version).toBe(2);
      expect(updated.server).toBe('https://prod2:6443');
      expect(updated.health_status).toBe('unknown');
      expect(clusters.connectionOf(updated)).toEqual({ id: row.id, name: 'prod', version: 2, credentials: { server: 'https://prod2:6443', token: 'tok-456' } });

      await clusters.recordHealth(row.id, { ok: false, server: 'x', error: { code: 'TIMEOUT', message: 'slow' } });
      const afterHealth = await clusters.get(row.id);
      expect(afterHealth).toMatchObject({ version: 2, health_status: 'error', health_last_error: 'slow' });
      expect(afterHealth.health_checked_at).toMatch(/^\d{4}-\d\d-\d\dT/);

      await clusters.remove(row.id);
      expect(await clusters.find(row.id)).toBeUndefined();
      await expect(clusters.get(row.id)).rejects.toMatchObject({ statusCode: 404 });
    });

    it('refuses a duplicate name with 409 on the name field', async () => {
      await clusters.create({ name: 'dup', credentials: { server: 'https://a:1' }, createdBy: 'admin' });
      const err = await clusters.create({ name: 'dup', credentials: { server: 'https://b:1' }, createdBy: 'admin' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ statusCode: 409, code: 'NAME_TAKEN', field: 'name' });
    });

    it('lists clusters by name', async () => {
      await clusters.create({ name: 'aaa', credentials: { server: 'https://a:1' }, createdBy: 'admin' });
      const names = (await clusters.list()).map((r) => r.name);
      expect(names).toEqual([...names].sort());
      expect(names).toContain('aaa');
    });

    it('re-seals every row with the active key, and rotation keeps all readable', async () => {
      const before = await clusters.list();
      const k2 = key();
      const rotated = new KeyRing(parseKeyRingSpec(`k2:${k2},k1:${k1}`));
      const rotatedStore = new ClusterStore(store.db, rotated);
      for (const row of before) expect(rotatedStore.openCredentials(row).server).toBe(row.server);
      const result = await rotatedStore.resealAll();
      expect(result).toEqual({ resealed: before.length, total: before.length });
      const after = await rotatedStore.list();
      for (const row of after) {
        expect(row.key_id).toBe('k2');
        expect(rotatedStore.openCredentials(row).server).toBe(row.server);
        expect(row.version).toBe(before.find((b) => b.id === row.id)!.version);
      }
      // with k1 gone, everything still opens
      const onlyK2 = new ClusterStore(store.db, new KeyRing(parseKeyRingSpec(`k2:${k2}`)));
      for (const row of after) expect(onlyK2.openCredentials(row).server).toBe(row.server);
      expect((await rotatedStore.resealAll()).resealed).toBe(0);
    });

    it('stores users with groups', async () => {
      const u = await users.create({ username: 'alice', passwordHash: 'scrypt$x', groups: ['dev', 'ops'] });
      expect(await users.findByUsername('alice')).toMatchObject({ id: u.id, disabled: 0 });
      expect(JSON.parse((await users.findById(u.id))!.groups)).toEqual(['dev', 'ops']);
      await expect(users.create({ username: 'alice', passwordHash: 'y', groups: [] })).rejects.toThrow();
      expect(await users.count()).toBeGreaterThanOrEqual(1);
    });
  });
}
