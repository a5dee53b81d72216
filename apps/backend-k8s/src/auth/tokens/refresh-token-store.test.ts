import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores } from '../../../test/test-stores.js';
import type { Store } from '../../db/database.js';
import { RefreshTokenStore } from './refresh-token-store.js';

const stores = await testStores();

describe.each(stores.variants)('refresh tokens on $name', ({ name, available }) => {
  let store: Store;
  let opened: Awaited<ReturnType<typeof stores.open>>;
  let now = Date.parse('2026-01-01T00:00:00Z');
  let tokens: RefreshTokenStore;

  async function addUser(): Promise<string> {
    const id = randomUUID();
    await store.db
      .insertInto('users')
      .values({ id, username: `u-${id.slice(0, 8)}`, password_hash: 'x', groups: '[]', created_at: new Date(now).toISOString() })
      .execute();
    return id;
  }

  beforeAll(async () => {
    if (!available) return;
    opened = await stores.open(name, 'refresh');
    store = opened.store;
    tokens = new RefreshTokenStore(store.db, { ttlSeconds: 3600, familyTtlSeconds: 3 * 3600, now: () => now });
  });
  afterAll(async () => {
    if (!available) return;
    await opened.close();
  });

  it.runIf(available)('stores only a hash and rotates on use', async () => {
    const userId = await addUser();
    const first = await tokens.issue(userId);
    const rows = await store.db.selectFrom('refresh_tokens').selectAll().where('user_id', '=', userId).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(first.token.split('.')[1]);
    const r = await tokens.rotate(first.token);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.userId).toBe(userId);
    expect(r.next.familyId).toBe(first.familyId);
    expect(r.next.token).not.toBe(first.token);
  });

  it.runIf(available)('a reused token revokes the whole family', async () => {
    const userId = await addUser();
    const t1 = await tokens.issue(userId);
    const r2 = await tokens.rotate(t1.token);
    if (!r2.ok) throw new Error('rotation failed');
    // the thief replays t1: refused, and the legitimate holder's t2 dies with it
    expect(await tokens.rotate(t1.token)).toMatchObject({ ok: false, reason: 'reused', userId });
    expect(await tokens.rotate(r2.next.token)).toMatchObject({ ok: false, reason: 'revoked' });
    // another sign-in of the same user is untouched
    const other = await tokens.issue(userId);
    expect((await tokens.rotate(other.token)).ok).toBe(true);
  });

  it.runIf(available)('concurrent use of one token lets at most one through', async () => {
    const userId = await addUser();
    const t = await tokens.issue(userId);
    const results = await Promise.all([tokens.rotate(t.token), tokens.rotate(t.token), tokens.rotate(t.token)]);
    expect(results.filter((r) => r.ok).length).toBeLessThanOrEqual(1);
    const survivors = results.filter((r) => r.ok);
    for (const s of survivors) if (s.ok) expect((await tokens.rotate(s.next.token)).ok).toBe(false);
  });

  it.runIf(available)('a successor issued while the same token is reused is revoked with its family', async () => {
    // Many rounds, as the bad interleaving (reuse revokes the family while the winner's successor
    // is being written) is only one of several each round can take.
    const userId = await addUser();
    for (let round = 0; round < 25; round++) {
      const t = await tokens.issue(userId);
      const results = await Promise.all([tokens.rotate(t.token), tokens.rotate(t.token)]);
      expect(results.filter((r) => r.ok).length).toBe(1);
      for (const r of results) if (r.ok) expect(await tokens.rotate(r.next.token), `round ${round}`).toMatchObject({ ok: false, reason: 'revoked' });
    }
  });

  it.runIf(available)('refuses expired, forged and malformed tokens; a family ends at its deadline', async () => {
    const userId = await addUser();
    const t = await tokens.issue(userId);
    const [id] = t.token.split('.');
    expect(await tokens.rotate(`${id}.${'A'.repeat(43)}`)).toEqual({ ok: false, reason: 'unknown' });
    expect(await tokens.rotate('nonsense')).toEqual({ ok: false, reason: 'malformed' });
    let current = t.token;
    for (let i = 0; i < 2; i++) {
      now += 3000 * 1000; // under the token ttl (1 h) each time
      const r = await tokens.rotate(current);
      if (!r.ok) throw new Error(`rotation ${i} failed: ${r.reason}`);
      current = r.next.token;
    }
    now += 3 * 3600 * 1000; // past the family deadline
    expect(await tokens.rotate(current)).toMatchObject({ ok: false, reason: 'expired' });
    expect(await tokens.deleteExpired()).toBeGreaterThan(0);
  });

  it.runIf(available)('logout and password change revoke', async () => {
    const userId = await addUser();
    const a = await tokens.issue(userId);
    const b = await tokens.issue(userId);
    expect(await tokens.revokeByToken(a.token)).toEqual({ userId });
    expect((await tokens.rotate(a.token)).ok).toBe(false);
    expect(await tokens.revokeByToken('nonsense')).toBeNull();
    await tokens.revokeUser(userId, 'password-change');
    expect(await tokens.rotate(b.token)).toMatchObject({ ok: false, reason: 'revoked' });
  });
});
