// The clusters table: rows in and out, credentials sealed on the way in and opened on the way out.
// Nothing here returns credentials to a caller that builds a response: toCluster() drops them.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Cluster, ConnectionTestResult } from '@k8s-console/contracts';
import type { KeyRing } from '../crypto/key-ring.js';
import type { ClustersTable, Database } from '../db/schema.js';
import { ApiError } from '../errors/api-error.js';
import type { ClusterConnection, ClusterCredentials } from './credentials.js';

export type ClusterRow = Selectable<ClustersTable>;

export interface NewCluster {
  name: string;
  description?: string;
  credentials: ClusterCredentials;
  createdBy: string;
  managedBy?: string | null;
  /** the connection test run before storing, if any, recorded as the first health check */
  test?: ConnectionTestResult;
}

export interface ClusterChanges {
  name?: string;
  description?: string;
  credentials?: ClusterCredentials;
  test?: ConnectionTestResult;
}

export function toCluster(row: ClusterRow): Cluster {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    server: row.server,
    version: row.k8s_version,
    health: { status: row.health_status, checkedAt: row.health_checked_at, lastError: row.health_last_error },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
  };
}

function healthColumns(test: ConnectionTestResult, at: string): Partial<ClustersTable> {
  return {
    health_status: test.ok ? 'ok' : 'error',
    health_checked_at: at,
    health_last_error: test.ok ? null : (test.error?.message ?? 'unknown error'),
    ...(test.ok && test.version ? { k8s_version: test.version } : {}),
  };
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint/i.test(e.message ?? '');
}

export class ClusterStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly keyRing: KeyRing,
  ) {}

  async list(): Promise<ClusterRow[]> {
    return this.db.selectFrom('clusters').selectAll().orderBy('name').execute();
  }

  async find(id: string): Promise<ClusterRow | undefined> {
    return this.db.selectFrom('clusters').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findByName(name: string): Promise<ClusterRow | undefined> {
    return this.db.selectFrom('clusters').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async get(id: string): Promise<ClusterRow> {
    const row = await this.find(id);
    if (!row) throw ApiError.notFound('cluster', id);
    return row;
  }

  private async assertNameFree(name: string, exceptId?: string): Promise<void> {
    const other = await this.findByName(name);
    if (other && other.id !== exceptId) throw ApiError.conflict('NAME_TAKEN', `a cluster named "${name}" already exists`, 'name');
  }

  async create(input: NewCluster): Promise<ClusterRow> {
    await this.assertNameFree(input.name);
    const id = randomUUID();
    const now = new Date().toISOString();
    const { keyId, sealed } = this.keyRing.seal(JSON.stringify(input.credentials), id);
    const row: ClusterRow = {
      id,
      name: input.name,
      description: input.description ?? '',
      server: input.credentials.server,
      sealed_credentials: sealed,
      key_id: keyId,
      version: 1,
      k8s_version: null,
      health_status: 'unknown',
      health_checked_at: null,
      health_last_error: null,
      managed_by: input.managedBy ?? null,
      created_at: now,
      updated_at: now,
      created_by: input.createdBy,
      ...(input.test ? healthColumns(input.test, now) : {}),
    };
    try {
      await this.db.insertInto('clusters').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw ApiError.conflict('NAME_TAKEN', `a cluster named "${input.name}" already exists`, 'name');
      throw err;
    }
    return row;
  }

  /** Applies the changes and bumps the version; returns the new row. */
  async update(id: string, changes: ClusterChanges): Promise<ClusterRow> {
    const current = await this.get(id);
    if (changes.name !== undefined) await this.assertNameFree(changes.name, id);
    const now = new Date().toISOString();
    const set: Partial<ClustersTable> = { updated_at: now, version: current.version + 1 };
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.description !== undefined) set.description = changes.description;
    if (changes.credentials) {
      const { keyId, sealed } = this.keyRing.seal(JSON.stringify(changes.credentials), id);
      Object.assign(set, { sealed_credentials: sealed, key_id: keyId, server: changes.credentials.server });
      if (!changes.test) Object.assign(set, { health_status: 'unknown', health_checked_at: null, health_last_error: null, k8s_version: null });
    }
    if (changes.test) Object.assign(set, healthColumns(changes.test, now));
    try {
      // The version check makes concurrent edits safe: the loser sees 0 rows and retries or fails.
      const result = await this.db.updateTable('clusters').set(set).where('id', '=', id).where('version', '=', current.version).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) {
        throw ApiError.conflict('CONCURRENT_UPDATE', 'the cluster changed while this update ran; load it again and retry');
      }
    } catch (err) {
      if (isUniqueViolation(err)) throw ApiError.conflict('NAME_TAKEN', `a cluster named "${changes.name}" already exists`, 'name');
      throw err;
    }
    return this.get(id);
  }

  async remove(id: string): Promise<ClusterRow> {
    const row = await this.get(id);
    await this.db.deleteFrom('clusters').where('id', '=', id).execute();
    return row;
  }

  /** A periodic health check's result; not a change of the cluster, so the version stays. */
  async recordHealth(id: string, test: ConnectionTestResult): Promise<void> {
    await this.db.updateTable('clusters').set(healthColumns(test, new Date().toISOString())).where('id', '=', id).execute();
  }

  openCredentials(row: Pick<ClusterRow, 'id' | 'sealed_credentials' | 'key_id'>): ClusterCredentials {
    return JSON.parse(this.keyRing.open({ keyId: row.key_id, sealed: row.sealed_credentials }, row.id)) as ClusterCredentials;
  }

  connectionOf(row: ClusterRow): ClusterConnection {
    return { id: row.id, name: row.name, version: row.version, credentials: this.openCredentials(row) };
  }

  /** Re-seals every row not sealed with the active key; returns how many moved. */
  async resealAll(): Promise<{ resealed: number; total: number }> {
    const rows = await this.db.selectFrom('clusters').select(['id', 'sealed_credentials', 'key_id']).execute();
    let resealed = 0;
    for (const row of rows) {
      if (row.key_id === this.keyRing.activeKeyId) continue;
      const plain = this.keyRing.open({ keyId: row.key_id, sealed: row.sealed_credentials }, row.id);
      const next = this.keyRing.seal(plain, row.id);
      const result = await this.db
        .updateTable('clusters')
        .set({ sealed_credentials: next.sealed, key_id: next.keyId })
        .where('id', '=', row.id)
        .where('sealed_credentials', '=', row.sealed_credentials)
        .executeTakeFirst();
      resealed += Number(result.numUpdatedRows);
    }
    return { resealed, total: rows.length };
  }
}
