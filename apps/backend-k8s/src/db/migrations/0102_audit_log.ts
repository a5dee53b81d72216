// The audit log: one row per mutating request, exec session, sign-in and denial. Paged newest
// first by (time, id); old rows are deleted after AUDIT_RETENTION_DAYS.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by nature
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('time', 'varchar(32)', (c) => c.notNull())
    .addColumn('action', 'varchar(16)', (c) => c.notNull())
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)')
    .addColumn('username', 'varchar(256)')
    .addColumn('address', 'varchar(64)')
    .addColumn('cluster_id', 'varchar(253)')
    .addColumn('namespace', 'varchar(253)')
    .addColumn('api_group', 'varchar(253)')
    .addColumn('resource', 'varchar(253)')
    .addColumn('name', 'varchar(253)')
    .addColumn('verb', 'varchar(64)')
    .addColumn('status', 'integer')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('audit_log_time').on('audit_log').columns(['time', 'id']).execute();
  await db.schema.createIndex('audit_log_username').on('audit_log').columns(['username', 'time']).execute();
  await db.schema.createIndex('audit_log_cluster').on('audit_log').columns(['cluster_id', 'time']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
}
