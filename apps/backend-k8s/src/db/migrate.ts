// Versioned migrations: every `NNNN_name.ts` file in ./migrations, applied in name order.
// This domain owns 0001-0099; rbac, audit and tokens add theirs from 0100 by dropping a file in
// the folder (no index to edit). Each exports `up(db)` (and `down(db)`) using Kysely's schema
// builder, so one migration runs on SQLite and PostgreSQL alike.
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';

const MIGRATION_FILE = /^(\d{4}_[a-z0-9_-]+)\.(ts|js|mjs)$/;
export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export class FolderMigrationProvider implements MigrationProvider {
  constructor(private readonly folder = migrationsFolder) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const file of (await readdir(this.folder)).sort()) {
      const match = MIGRATION_FILE.exec(file);
      if (!match || file.includes('.test.')) continue;
      const mod = (await import(pathToFileURL(join(this.folder, file)).href)) as Migration;
      if (typeof mod.up !== 'function') throw new Error(`migration ${file} does not export up(db)`);
      migrations[match[1]!] = mod;
    }
    return migrations;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before typed tables exist
export function migratorFor(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: new FolderMigrationProvider() });
}

/** Applies every pending migration; throws with the failing migration's name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results }: MigrationResultSet = await migratorFor(db).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`database migration failed${name}: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations in the folder that the database has not applied yet (for /health/ready). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const all = await migratorFor(db).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
