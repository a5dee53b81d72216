// Console RBAC: roles (rules as JSON), bindings from roles to users and groups, and what the
// users table needs for administration and sign-on (where a user comes from, last change).
// Built-in roles are not inserted here: the rbac plugin upserts them at start from code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by nature
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('roles')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(63)', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('rules', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('role_bindings')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('role_id', 'varchar(36)', (c) => c.notNull().references('roles.id').onDelete('cascade'))
    .addColumn('subject_kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('subject_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('role_bindings_unique', ['role_id', 'subject_kind', 'subject_name'])
    .execute();
  await db.schema
    .createIndex('role_bindings_subject')
    .on('role_bindings')
    .columns(['subject_kind', 'subject_name'])
    .execute();

  await db.schema.alterTable('users').addColumn('source', 'varchar(8)', (c) => c.notNull().defaultTo('local')).execute();
  await db.schema.alterTable('users').addColumn('updated_at', 'varchar(32)').execute();
  await db.updateTable('users').set({ updated_at: sql`created_at` }).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('updated_at').execute();
  await db.schema.alterTable('users').dropColumn('source').execute();
  await db.schema.dropTable('role_bindings').execute();
  await db.schema.dropTable('roles').execute();
}
