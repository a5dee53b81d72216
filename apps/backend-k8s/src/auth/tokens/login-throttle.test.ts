// The login throttle on SQLite and PostgreSQL: it counts in the database, so two throttles on one
// database (two replicas) share one budget.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testStores } from '../../../test/test-stores.js';
import type { Store } from '../../db/database.js';
import { LoginThrottle, type LoginThrottleOptions } from './login-throttle.js';

const stores = await testStores();

describe.each(stores.variants)('login throttle on $name', ({ name, available }) => {
  let store: Store;
  let opened: Awaited<ReturnType<typeof stores.open>>;
  let now = 0;
  const throttle = (options: LoginThrottleOptions = {}) => new LoginThrottle(store.db, store.dialect, { now: () => now, ...options });

  beforeAll(async () => {
    if (!available) return;
    opened = await stores.open(name, 'throttle');
    store = opened.store;
  });
  beforeEach(async () => {
    if (!available) return;
    now = 1_000_000;
    await store.db.deleteFrom('login_throttle').execute();
  });
  afterAll(async () => {
    if (!available) return;
    await opened.close();
  });

  it.runIf(available)('locks a user name after repeated attempts, doubling each lockout, and clears on success', async () => {
    const t = throttle({ maxFailuresPerUser: 3, baseLockoutMs: 60_000 });
    for (let i = 0; i < 3; i++) expect((await t.attempt(i === 0 ? 'Bob' : 'bob', `10.0.0.${i}`)).allowed).toBe(true);
    // the attempt after the last allowed one is refused and locks, whatever the address and case
    expect(await t.attempt('BOB', '10.9.9.9')).toEqual({ allowed: false, retryAfterSeconds: 60, limitedBy: 'user' });
    expect(await t.attempt('bob', '10.9.9.9')).toEqual({ allowed: false, retryAfterSeconds: 60, limitedBy: 'user' });
    expect((await t.attempt('alice', '10.0.0.1')).allowed).toBe(true);
    now += 60_001;
    for (let i = 0; i < 3; i++) expect((await t.attempt('bob', '10.0.0.1')).allowed).toBe(true);
    expect((await t.attempt('bob', '10.0.0.1')).retryAfterSeconds).toBe(120);
    now += 120_001;
    expect((await t.attempt('bob', '10.0.0.1')).allowed).toBe(true);
    await t.recordSuccess('bob', '10.0.0.1');
    for (let i = 0; i < 3; i++) expect((await t.attempt('bob', '10.0.0.1')).allowed).toBe(true);
  });

  it.runIf(available)('counts attempts sent at once: no more than the limit get through', async () => {
    const t = throttle({ maxFailuresPerUser: 5 });
    const verdicts = await Promise.all(Array.from({ length: 20 }, () => t.attempt('erin', '10.2.2.2')));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(5);
  });

  it.runIf(available)('locks an address that tries many user names; sign-ins do not count against it', async () => {
    const t = throttle({ maxFailuresPerAddress: 5 });
    for (let i = 0; i < 3; i++) {
      expect((await t.attempt(`ok${i}`, '192.0.2.7')).allowed).toBe(true);
      await t.recordSuccess(`ok${i}`, '192.0.2.7');
    }
    for (let i = 0; i < 5; i++) expect((await t.attempt(`user${i}`, '192.0.2.7')).allowed).toBe(true);
    expect(await t.attempt('someone-new', '192.0.2.7')).toMatchObject({ allowed: false, limitedBy: 'address' });
    expect((await t.attempt('someone-new', '192.0.2.8')).allowed).toBe(true);
  });

  it.runIf(available)('forgets attempts older than the window, and deletes counts that no longer matter', async () => {
    const t = throttle({ maxFailuresPerUser: 2, windowMs: 1000 });
    await t.attempt('carol', 'a');
    await t.attempt('carol', 'a');
    now += 5000;
    expect((await t.attempt('carol', 'a')).allowed).toBe(true);
    now += 5000;
    expect(await t.deleteExpired()).toBe(2); // carol's and the address's
    expect(await store.db.selectFrom('login_throttle').selectAll().execute()).toEqual([]);
  });

  it.runIf(available)('two replicas share one budget, also when they count at the same time', async () => {
    const [a, b] = [throttle({ maxFailuresPerUser: 6 }), throttle({ maxFailuresPerUser: 6 })];
    const verdicts = await Promise.all([a, b, a, b, a].map((t) => t.attempt('dave', '10.1.1.1')));
    expect(verdicts.every((v) => v.allowed)).toBe(true);
    expect((await b.attempt('dave', '10.1.1.3')).allowed).toBe(true);
    expect(await a.attempt('dave', '10.1.1.4')).toMatchObject({ allowed: false, limitedBy: 'user' });
  });
});
