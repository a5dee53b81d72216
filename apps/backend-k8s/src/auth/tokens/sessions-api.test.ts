// Sessions through HTTP: login gives a refresh token that rotates on use; a reused one ends the
// whole sign-in; logout, password change and an admin's reset revoke; password guessing is throttled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage, LoginResponse, User } from '@k8s-console/contracts';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';

const PASSWORD = 'Tr0ub4dor&3-horse';

describe('sessions API', () => {
  let t: TestApp;

  const post = (url: string, payload: object, headers: Record<string, string> = {}) => t.app.inject({ method: 'POST', url, payload, headers });
  const login = (username: string, password = PASSWORD) => post('/api/v1/auth/login', { username, password });
  const refresh = (refreshToken: string) => post('/api/v1/auth/refresh', { refreshToken });
  const bearer = (s: LoginResponse) => ({ authorization: `Bearer ${s.accessToken}` });

  async function addUser(username: string): Promise<User> {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: t.auth, payload: { username, password: PASSWORD, roles: ['viewer'] } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('login returns a short-lived access token and a refresh token that rotates', async () => {
    await addUser('rita');
    const first = (await login('rita')).json() as LoginResponse;
    expect(first).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshToken: expect.stringMatching(/^[0-9a-f-]{36}\.[\w-]{43}$/) });
    const second = await refresh(first.refreshToken!);
    expect(second.statusCode).toBe(200);
    const next = second.json() as LoginResponse;
    expect(next.refreshToken).not.toBe(first.refreshToken);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(next) })).json()).toMatchObject({ username: 'rita' });
  });

  it('a reused refresh token revokes the whole sign-in, and is audited', async () => {
    await addUser('sam');
    const s1 = (await login('sam')).json() as LoginResponse;
    const s2 = (await refresh(s1.refreshToken!)).json() as LoginResponse;
    const replay = await refresh(s1.refreshToken!);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('REFRESH_TOKEN_REUSED');
    // the legitimate holder's newer token died with the family
    expect((await refresh(s2.refreshToken!)).statusCode).toBe(401);
    // another sign-in of the same user is untouched
    const other = (await login('sam')).json() as LoginResponse;
    expect((await refresh(other.refreshToken!)).statusCode).toBe(200);
    const audit = (await t.app.inject({ method: 'GET', url: '/api/v1/audit?action=refresh&username=sam', headers: t.auth })).json() as AuditPage;
    expect(audit.items.some((e) => e.outcome === 'denied' && /revoked/.test(e.detail ?? ''))).toBe(true);
  });

  it('refuses garbage refresh tokens without saying more', async () => {
    for (const token of ['x', '00000000-0000-4000-8000-000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      const res = await refresh(token);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('INVALID_REFRESH_TOKEN');
    }
  });

  it('logout ends the sign-in; logging out twice is fine', async () => {
    await addUser('tom');
    const s = (await login('tom')).json() as LoginResponse;
    expect((await post('/api/v1/auth/logout', { refreshToken: s.refreshToken! })).statusCode).toBe(204);
    expect((await post('/api/v1/auth/logout', { refreshToken: s.refreshToken! })).statusCode).toBe(204);
    expect((await refresh(s.refreshToken!)).statusCode).toBe(401);
  });

  it('changing the password ends every other sign-in and keeps this one going', async () => {
    await addUser('uma');
    const laptop = (await login('uma')).json() as LoginResponse;
    const phone = (await login('uma')).json() as LoginResponse;
    const weak = await post('/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'short' }, bearer(laptop));
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error).toMatchObject({ code: 'WEAK_PASSWORD', field: 'newPassword' });
    const wrong = await post('/api/v1/me/password', { currentPassword: 'not-the-password', newPassword: 'a much better passphrase' }, bearer(laptop));
    // the token is fine: not a 401, which a client takes as "renew the session and retry"
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({ code: 'INVALID_CREDENTIALS', field: 'currentPassword' });
    const changed = await post('/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'a much better passphrase' }, bearer(laptop));
    expect(changed.statusCode).toBe(200);
    const fresh = changed.json() as LoginResponse;
    // access tokens issued before the change stop working at once, the fresh one works
    for (const old of [laptop, phone]) {
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(old) });
      expect(me.statusCode).toBe(401);
      expect(me.json().error.code).toBe('TOKEN_REVOKED');
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(fresh) })).statusCode).toBe(200);
    expect((await refresh(laptop.refreshToken!)).statusCode).toBe(401);
    expect((await refresh(phone.refreshToken!)).statusCode).toBe(401);
    expect((await refresh(fresh.refreshToken!)).statusCode).toBe(200);
    expect((await login('uma')).statusCode).toBe(401);
    expect((await login('uma', 'a much better passphrase')).statusCode).toBe(200);
  });

  it("an admin's password reset revokes the user's sessions", async () => {
    const vic = await addUser('vic');
    const s = (await login('vic')).json() as LoginResponse;
    const reset = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${vic.id}`, headers: t.auth, payload: { password: 'reset by the admin 42' } });
    expect(reset.statusCode).toBe(200);
    expect((await refresh(s.refreshToken!)).statusCode).toBe(401);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(s) });
    expect(me.json().error.code).toBe('TOKEN_REVOKED');
  });

  it('throttles password guessing per user name with Retry-After', async () => {
    await addUser('wendy');
    for (let i = 0; i < 5; i++) expect((await login('wendy', `guess-${i}-xxxxxx`)).statusCode).toBe(401);
    const locked = await login('wendy');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // other users are not affected
    await addUser('xena');
    expect((await login('xena')).statusCode).toBe(200);
    const audit = (await t.app.inject({ method: 'GET', url: '/api/v1/audit?action=login&username=wendy', headers: t.auth })).json() as AuditPage;
    expect(audit.items.map((e) => e.outcome)).toEqual(['denied', 'failure', 'failure', 'failure', 'failure', 'failure']);
  });

  it('holds the limit for guesses sent all at once, the right password among them', async () => {
    await addUser('yuri');
    const answers = await Promise.all([...Array.from({ length: 19 }, (_, i) => login('yuri', `guess-${i}-xxxxxx`)), login('yuri')]);
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s !== 429)).toHaveLength(5);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
  });
});
