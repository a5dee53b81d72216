// Opens the store: SQLite (better-sqlite3) under DATA_DIR by default, PostgreSQL with DATABASE_URL.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** where it is, without credentials, for logs */
  location: string;
}

export function openStore(options: { databaseUrl?: string; dataDir: string }): Store {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const url = new URL(options.databaseUrl);
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      dialect: 'postgres',
      location: `postgres://${url.host}${url.pathname}`,
    };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const file = join(options.dataDir, 'console.db');
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: keepStatements(sqlite) }) }), dialect: 'sqlite', location: file };
}

const KEPT_STATEMENTS = 500;

/**
 * Kysely's SQLite driver prepares every query anew; preparing cost more than running the query
 * (the user read on every authenticated request most of all: ~0.4 ms of a ~1.5 ms proxied GET,
 * docs/performance.md). Statements are kept per SQL text, up to KEPT_STATEMENTS (oldest dropped
 * first); one still being iterated is not handed out twice. SQLite re-prepares a kept statement
 * by itself after a schema change.
 */
export function keepStatements(sqlite: SQLite.Database): SQLite.Database {
  const prepare = sqlite.prepare.bind(sqlite);
  const kept = new Map<string, SQLite.Statement>();
  sqlite.prepare = ((sql: string) => {
    const statement = kept.get(sql);
    if (statement && !statement.busy) return statement;
    const fresh = prepare(sql);
    if (!statement) {
      if (kept.size >= KEPT_STATEMENTS) kept.delete(kept.keys().next().value!);
      kept.set(sql, fresh);
    }
    return fresh;
  }) as SQLite.Database['prepare'];
  return sqlite;
}
