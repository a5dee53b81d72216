// sso_token_uses: host sign-on tokens that carried a `jti` and were exchanged, until they expire, so
// that each is exchanged once across every replica (an intercepted token cannot be replayed).
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by nature
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sso_token_uses')
    .addColumn('token_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sso_token_uses_expiry').on('sso_token_uses').column('expires_at').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sso_token_uses').execute();
}
