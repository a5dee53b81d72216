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

  it.runIf(available)('locks a user name after repeated failures, doubling each lockout, and clears on success', async () => {
    const t = throttle({ maxFailuresPerUser: 3, baseLockoutMs: 60_000 });
    for (let i = 0; i < 2; i++) await t.recordFailure('Bob', '10.0.0.1');
    expect((await t.check('bob', '10.0.0.2')).allowed).toBe(true);
    await t.recordFailure('bob', '10.0.0.3');
    // locked whatever the address and the case of the name
    expect(await t.check('BOB', '10.9.9.9')).toEqual({ allowed: false, retryAfterSeconds: 60, limitedBy: 'user' });
    expect((await t.check('alice', '10.0.0.1')).allowed).toBe(true);
    now += 60_001;
    expect((await t.check('bob', '10.0.0.1')).allowed).toBe(true);
    for (let i = 0; i < 3; i++) await t.recordFailure('bob', '10.0.0.1');
    expect((await t.check('bob', '10.0.0.1')).retryAfterSeconds).toBe(120);
    now += 120_001;
    await t.recordSuccess('bob');
    await t.recordFailure('bob', '10.0.0.1');
    expect((await t.check('bob', '10.0.0.1')).allowed).toBe(true);
  });

  it.runIf(available)('locks an address that tries many user names', async () => {
    const t = throttle({ maxFailuresPerAddress: 5 });
    for (let i = 0; i < 5; i++) await t.recordFailure(`user${i}`, '192.0.2.7');
    expect(await t.check('someone-new', '192.0.2.7')).toMatchObject({ allowed: false, limitedBy: 'address' });
    expect((await t.check('someone-new', '192.0.2.8')).allowed).toBe(true);
  });

  it.runIf(available)('forgets failures older than the window, and deletes counts that no longer matter', async () => {
    const t = throttle({ maxFailuresPerUser: 2, windowMs: 1000 });
    await t.recordFailure('carol', 'a');
    now += 5000;
    await t.recordFailure('carol', 'a');
    expect((await t.check('carol', 'a')).allowed).toBe(true);
    now += 5000;
    expect(await t.deleteExpired()).toBe(2); // carol's and the address's
    expect(await store.db.selectFrom('login_throttle').selectAll().execute()).toEqual([]);
  });

  it.runIf(available)('two replicas share one budget, also when they count at the same time', async () => {
    const [a, b] = [throttle({ maxFailuresPerUser: 6 }), throttle({ maxFailuresPerUser: 6 })];
    await Promise.all([a, b, a, b, a].map((t) => t.recordFailure('dave', '10.1.1.1')));
    expect((await b.check('dave', '10.1.1.2')).allowed).toBe(true);
    await b.recordFailure('dave', '10.1.1.3');
    expect(await a.check('dave', '10.1.1.4')).toMatchObject({ allowed: false, limitedBy: 'user' });
  });
});
