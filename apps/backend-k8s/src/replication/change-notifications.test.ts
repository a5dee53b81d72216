// The LISTEN side against a real PostgreSQL: notices from others arrive, its own are ignored,
// a malformed payload is skipped, and a killed connection comes back (asking for a reconcile).
import pg from 'pg';
import { freshPostgresDatabase, waitUntil } from '@k8s-console/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { ACCESS_CHANNEL, CHANGE_CHANNEL, ChangeListener, type ChangeNotice } from './change-notifications.js';

const db = await freshPostgresDatabase();

describe.runIf(db.available)('ChangeListener on PostgreSQL', () => {
  afterAll(async () => db.drop());

  it('hears notices from other replicas, survives a killed connection and asks for a reconcile', async () => {
    const received: ChangeNotice[] = [];
    const access: { endedUserId?: string }[] = [];
    const connected: boolean[] = [];
    const warnings: string[] = [];
    const listener = new ChangeListener({
      connectionString: db.url,
      origin: 'me',
      logger: { info: () => {}, warn: (_o, msg) => warnings.push(msg) },
      onChange: (n) => received.push(n),
      onAccessChange: (change) => access.push(change),
      onConnected: (reconnected) => connected.push(reconnected),
      backoffMs: 20,
    });
    const sender = new pg.Client({ connectionString: db.url });
    await sender.connect();
    const notify = (payload: object | string, channel = CHANGE_CHANNEL) =>
      sender.query('select pg_notify($1, $2)', [channel, typeof payload === 'string' ? payload : JSON.stringify(payload)]);
    try {
      listener.start();
      await waitUntil('connected', () => listener.connected);
      expect(connected).toEqual([false]);

      await notify({ id: 'c1', action: 'updated', version: 2, origin: 'me' });
      await notify('not json');
      await notify({ id: 'c1', action: 'updated', version: 2, origin: 'sibling' });
      await waitUntil('the sibling notice arrives', () => received.length === 1);
      expect(received).toEqual([{ id: 'c1', action: 'updated', version: 2, origin: 'sibling' }]);
      expect(warnings).toContain('ignored a malformed change notification');

      // users, roles or bindings changed on a sibling (its own notices are ignored)
      await notify({ origin: 'me' }, ACCESS_CHANNEL);
      await notify({ origin: 'sibling', endedUserId: 'u1' }, ACCESS_CHANNEL);
      await notify({ origin: 'sibling' }, ACCESS_CHANNEL);
      await waitUntil('both access notices arrive', () => access.length === 2);
      expect(access).toEqual([{ endedUserId: 'u1' }, {}]);

      // the database drops the listening session (failover, restart, idle killer)
      await sender.query(`select pg_terminate_backend(pid) from pg_stat_activity where query like 'LISTEN ${CHANGE_CHANNEL}%' and pid <> pg_backend_pid()`);
      await waitUntil('reconnected', () => connected.length === 2);
      expect(connected).toEqual([false, true]);
      expect(warnings).toContain('change notification connection lost; reconnecting');

      await notify({ id: 'c2', action: 'deleted', version: 5, origin: 'sibling' });
      await waitUntil('the notice after the reconnect arrives', () => received.length === 2);
      expect(received[1]).toMatchObject({ id: 'c2', action: 'deleted' });
    } finally {
      await listener.close();
      await sender.end();
    }
    expect(listener.connected).toBe(false);
  });

  it('keeps retrying while the database is unreachable, and stops on close', async () => {
    const warnings: string[] = [];
    const url = new URL(db.url);
    url.port = '1';
    const listener = new ChangeListener({
      connectionString: url.toString(),
      origin: 'me',
      logger: { info: () => {}, warn: (_o, msg) => warnings.push(msg) },
      onChange: () => {},
      onConnected: () => {},
      backoffMs: 5,
      maxBackoffMs: 20,
    });
    listener.start();
    await waitUntil('three failed attempts', () => warnings.length >= 3);
    await listener.close();
    const after = warnings.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(warnings.length).toBe(after);
  });
});
