import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { serviceGate, type ServiceGate } from './gate.js';

/** TEST_DATABASE_URL, or the machine's local PostgreSQL (trust auth, database "test"). */
export function postgresUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Creates an empty database of its own for one test file, so files run in parallel without
 * seeing each other's rows. Returns its URL and a drop function.
 */
export async function freshPostgresDatabase(): Promise<ServiceGate & { url: string; drop: () => Promise<void> }> {
  const adminUrl = postgresUrl();
  const problem = await reachable(adminUrl);
  const gate = serviceGate('postgres', problem ? null : adminUrl, `${adminUrl}: ${problem}`);
  if (!gate.available) return { ...gate, url: '', drop: async () => {} };
  const name = `kc_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    ...gate,
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
