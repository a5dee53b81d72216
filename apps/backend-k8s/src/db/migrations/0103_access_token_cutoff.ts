// users.tokens_valid_after_ms: access tokens issued (epoch ms) before it are refused. Set when
// every sign-in of a user ends (password change or reset, disabling), so a token copied before
// a password change stops working at once instead of at its expiry.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by nature
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('tokens_valid_after_ms', 'bigint').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('tokens_valid_after_ms').execute();
}
