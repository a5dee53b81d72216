// Kept statements: the same SQL text gets the same prepared statement, a busy one is not handed
// out twice, the cache is bounded, and Kysely queries through it still see every write.
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { keepStatements } from './database.js';

describe('keepStatements', () => {
  let sqlite: SQLite.Database;
  afterEach(() => sqlite.close());

  it('hands out one statement per SQL text, and a fresh one while it is being iterated', () => {
    sqlite = keepStatements(new SQLite(':memory:'));
    sqlite.exec('create table t (n integer)');
    const insert = sqlite.prepare('insert into t (n) values (?)');
    for (let n = 1; n <= 3; n++) insert.run(n);
    expect(sqlite.prepare('insert into t (n) values (?)')).toBe(insert);

    const select = sqlite.prepare('select n from t order by n');
    const seen: number[][] = [];
    for (const row of select.iterate() as IterableIterator<{ n: number }>) {
      // the kept statement is busy here: a nested query of the same text gets its own
      const inner = sqlite.prepare('select n from t order by n');
      expect(inner).not.toBe(select);
      seen.push([row.n, (inner.all() as { n: number }[]).length]);
    }
    expect(seen).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(sqlite.prepare('select n from t order by n')).toBe(select);
  });

  it('keeps a bounded number of statements', () => {
    sqlite = keepStatements(new SQLite(':memory:'));
    const first = sqlite.prepare('select 0');
    for (let i = 1; i <= 600; i++) sqlite.prepare(`select ${i}`);
    expect(sqlite.prepare('select 0')).not.toBe(first);
    expect(sqlite.prepare('select 600')).toBe(sqlite.prepare('select 600'));
  });

  it('serves Kysely: reads see writes and schema changes made after a statement was kept', async () => {
    sqlite = keepStatements(new SQLite(':memory:'));
    const db = new Kysely<{ t: { n: number } }>({ dialect: new SqliteDialect({ database: sqlite }) });
    await sql`create table t (n integer)`.execute(db);
    const count = async () => (await db.selectFrom('t').select((eb) => eb.fn.countAll<number>().as('c')).executeTakeFirstOrThrow()).c;
    expect(await count()).toBe(0);
    await db.insertInto('t').values({ n: 1 }).execute();
    await db.insertInto('t').values({ n: 2 }).execute();
    expect(await count()).toBe(2);
    await sql`alter table t add column label text`.execute(db);
    await sql`insert into t (n, label) values (3, 'x')`.execute(db);
    expect(await count()).toBe(3);
    expect(await db.selectFrom('t').selectAll().where('n', '=', 3).executeTakeFirst()).toEqual({ n: 3, label: 'x' });
  });
});
