// The stores a storage test runs on: SQLite, and PostgreSQL when it is there (a fresh database per
// test file). Each opened store is migrated; close() destroys it and removes what it left.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPostgresDatabase } from '@k8s-console/test-support';
import { openStore, type Store } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';

export type StoreName = 'sqlite' | 'postgres';

export interface TestStores {
  /** for describe.each: each store and whether this machine has it */
  variants: { name: StoreName; available: boolean }[];
  open(name: StoreName, prefix: string): Promise<{ store: Store; close(): Promise<void> }>;
}

export async function testStores(): Promise<TestStores> {
  const pg = await freshPostgresDatabase();
  return {
    variants: [
      { name: 'sqlite', available: true },
      { name: 'postgres', available: pg.available },
    ],
    async open(name, prefix) {
      const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
      const store = openStore(name === 'postgres' ? { databaseUrl: pg.url, dataDir: dir } : { dataDir: dir });
      await migrateToLatest(store.db);
      return {
        store,
        async close() {
          await store.db.destroy();
          rmSync(dir, { recursive: true, force: true });
          if (name === 'postgres') await pg.drop();
        },
      };
    },
  };
}
