// The user row read on every request is kept for a moment: reused while fresh, forgotten at once
// by a change, and never kept when a change happened while it was being read.
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/schema.js';
import { migrateToLatest } from '../db/migrate.js';
import { UserStore } from './user-store.js';

describe('UserStore.findById', () => {
  let db: Kysely<Database>;
  let users: UserStore;
  let id: string;
  const disableBehindItsBack = () => db.updateTable('users').set({ disabled: 1 }).where('id', '=', id).execute();

  beforeEach(async () => {
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    await migrateToLatest(db);
    users = new UserStore(db, 60_000);
    id = (await users.create({ username: 'kim', passwordHash: 'x', groups: [] })).id;
  });
  afterEach(async () => db.destroy());

  it('reuses a fresh row, and reads again after forget(id) or forget()', async () => {
    expect((await users.findById(id))?.disabled).toBe(0);
    await disableBehindItsBack();
    expect((await users.findById(id))?.disabled).toBe(0); // kept
    users.forget(id);
    expect((await users.findById(id))?.disabled).toBe(1);
    await db.updateTable('users').set({ disabled: 0 }).where('id', '=', id).execute();
    users.forget();
    expect((await users.findById(id))?.disabled).toBe(0);
  });

  it('reads again once the row is older than its age', async () => {
    const short = new UserStore(db, 1);
    await short.findById(id);
    await disableBehindItsBack();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await short.findById(id))?.disabled).toBe(1);
  });

  it('does not keep a row read while a change was made', async () => {
    const reading = users.findById(id);
    users.forget(id); // the change lands while the read is on its way
    await reading;
    await disableBehindItsBack();
    expect((await users.findById(id))?.disabled).toBe(1);
  });

  it('revoking access tokens forgets the row', async () => {
    await users.findById(id);
    await users.revokeAccessTokens(id);
    expect((await users.findById(id))?.tokens_valid_after_ms).not.toBeNull();
  });
});
