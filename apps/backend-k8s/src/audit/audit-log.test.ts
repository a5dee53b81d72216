import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores } from '../../test/test-stores.js';
import { openStore, type Store } from '../db/database.js';
import { AuditLog } from './audit-log.js';

const stores = await testStores();

describe.each(stores.variants)('audit log on $name', ({ name, available }) => {
  let store: Store;
  let opened: Awaited<ReturnType<typeof stores.open>>;
  let log: AuditLog;
  let now = Date.parse('2026-03-01T12:00:00Z');

  beforeAll(async () => {
    if (!available) return;
    opened = await stores.open(name, 'audit');
    store = opened.store;
    log = new AuditLog(store.db, { now: () => now });
    for (let i = 0; i < 25; i++) {
      now += 1000;
      await log.record({
        action: i % 5 === 0 ? 'login' : 'request',
        outcome: i % 3 === 0 ? 'failure' : 'success',
        username: i % 2 ? 'bob' : 'alice',
        address: '192.0.2.1',
        clusterId: 'demo',
        namespace: 'shop',
        apiGroup: 'apps',
        resource: 'deployments',
        name: `web-${i}`,
        verb: 'delete',
        status: 200,
      });
    }
  });
  afterAll(async () => {
    if (!available) return;
    await opened.close();
  });

  it.runIf(available)('pages newest first without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await log.query({ limit: 10, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((e) => e.name!));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `web-${24 - i}`));
  });

  it.runIf(available)('filters by user, action, outcome and time', async () => {
    const bobs = await log.query({ username: 'bob', limit: 500 });
    expect(bobs.items.every((e) => e.username === 'bob')).toBe(true);
    expect(bobs.items).toHaveLength(12);
    const logins = await log.query({ action: 'login', outcome: 'failure' });
    expect(logins.items.map((e) => e.name)).toEqual(['web-15', 'web-0']);
    const firstFive = await log.query({ until: new Date(Date.parse('2026-03-01T12:00:06Z')).toISOString() });
    expect(firstFive.items).toHaveLength(5);
    await expect(log.query({ cursor: 'garbage' })).rejects.toMatchObject({ statusCode: 400, field: 'cursor' });
    // a leap second passes the date-time format, but no Date holds it
    await expect(log.query({ since: '2026-12-31T23:59:60Z' })).rejects.toMatchObject({ statusCode: 400, field: 'since' });
  });

  it.runIf(available)('records an exec session handed over by the streams domain', async () => {
    await log.record({
      action: 'pods/exec',
      userId: 'u1',
      username: 'ops',
      clusterId: 'demo',
      namespace: 'shop',
      pod: 'web-1',
      container: 'app',
      command: ['sh', '-c', 'echo hi'],
      tty: true,
      startedAt: '2026-03-01T12:10:00.000Z',
      endedAt: '2026-03-01T12:11:00.000Z',
      exitCode: 0,
      endReason: 'exit',
    });
    const [entry] = (await log.query({ action: 'exec' })).items;
    expect(entry).toMatchObject({ username: 'ops', resource: 'pods/exec', name: 'web-1', verb: 'create', outcome: 'success' });
    expect(entry!.detail).toContain('command: sh -c "echo hi"');
    expect(entry!.detail).toContain('ended: exit');
  });

  it.runIf(available)("records an exec session's start, at its start time, as running", async () => {
    await log.record({
      action: 'pods/exec',
      userId: 'u1',
      username: 'ops',
      clusterId: 'demo',
      namespace: 'shop',
      pod: 'web-2',
      container: 'app',
      command: ['/bin/bash'],
      tty: true,
      startedAt: '2026-03-01T12:20:00.000Z',
      endedAt: null,
      exitCode: null,
      endReason: null,
    });
    const entry = (await log.query({ action: 'exec' })).items.find((e) => e.name === 'web-2');
    expect(entry).toMatchObject({ time: '2026-03-01T12:20:00.000Z', outcome: 'success' });
    expect(entry!.detail).toBe('container app, command: /bin/bash, tty, started 2026-03-01T12:20:00.000Z, running');
  });

  it.runIf(available)('deletes what is older than the retention, and a failed write only reports', async () => {
    now = Date.parse('2026-03-02T12:05:00Z');
    expect(await log.deleteOlderThan(1)).toBe(25);
    expect((await log.query({})).items).toHaveLength(2); // the exec session's two records
    const errors: unknown[] = [];
    const closedDir = mkdtempSync(join(tmpdir(), 'audit-closed-'));
    const closed = openStore({ dataDir: closedDir });
    await closed.db.destroy();
    const broken = new AuditLog(closed.db, { onError: (e) => errors.push(e) });
    await expect(broken.record({ action: 'request', outcome: 'success' })).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    rmSync(closedDir, { recursive: true, force: true });
  });
});
