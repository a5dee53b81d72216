import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginResponse } from '@k8s-console/contracts';
import { ADMIN_PASSWORD, buildTestApp, type TestApp } from './test-app.js';
import { tokenProtocol } from '../src/auth/websocket-token.js';
import { bootstrapAdmin } from '../src/auth/bootstrap-admin.js';
import { hashPassword, verifyPassword } from '../src/auth/password-hash.js';

describe('auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
    expect(t.logs.join('\n')).not.toContain(ADMIN_PASSWORD);
  });

  it('logs in the bootstrap admin with a short-lived HS256 JWT', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as LoginResponse;
    expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { username: 'admin', groups: ['console-admins'] } });
    const decoded = jwt.decode(body.accessToken, { complete: true })!;
    expect(decoded.header.alg).toBe('HS256');
    expect(decoded.payload).toMatchObject({ iss: 'k8s-console', aud: 'k8s-console', sub: body.user.id });
  });

  it('refuses a wrong password or unknown user with the same answer', async () => {
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'nope-nope' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ghost', password: 'nope-nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('GET /me returns the subject', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: t.auth });
    expect(res.json()).toMatchObject({ username: 'admin', groups: ['console-admins'] });
  });

  it('refuses missing, malformed, forged, expired and alg:none tokens', async () => {
    const me = (authorization?: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: authorization ? { authorization } : {} });
    expect((await me()).statusCode).toBe(401);
    expect((await me('Basic abc')).statusCode).toBe(401);
    const forged = jwt.sign({ username: 'admin' }, 'another-secret-another-secret-xx', { subject: 'x', issuer: 'k8s-console', audience: 'k8s-console' });
    expect((await me(`Bearer ${forged}`)).json().error.code).toBe('INVALID_TOKEN');
    const expired = jwt.sign({ username: 'admin', exp: Math.floor(Date.now() / 1000) - 10 }, t.config.jwtSecret, {
      subject: 'x',
      issuer: 'k8s-console',
      audience: 'k8s-console',
    });
    expect((await me(`Bearer ${expired}`)).json().error.code).toBe('TOKEN_EXPIRED');
    const none = jwt.sign({ username: 'admin', sub: 'x', iss: 'k8s-console', aud: 'k8s-console' }, '', { algorithm: 'none' });
    expect((await me(`Bearer ${none}`)).statusCode).toBe(401);
    const hs512 = jwt.sign({ username: 'admin' }, t.config.jwtSecret, { algorithm: 'HS512', subject: 'x', issuer: 'k8s-console', audience: 'k8s-console' });
    expect((await me(`Bearer ${hs512}`)).statusCode).toBe(401);
  });

  it('asks for a token on an API route however its path is encoded', async () => {
    // the router decodes %61 to "a": the check must follow the route, not the raw URL
    for (const url of ['/%61pi/v1/users', '/%61pi/v1/clusters/00000000-0000-4000-8000-000000000000', '/api/v1/%75sers']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHORIZED');
    }
  });

  it('authenticate() works for WebSocket upgrades through the token subprotocol', async () => {
    const token = t.auth.authorization.slice('Bearer '.length);
    expect(await t.app.authenticate(token)).toMatchObject({ username: 'admin' });
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { upgrade: 'websocket', connection: 'upgrade', 'sec-websocket-protocol': `v1.watch, ${tokenProtocol(token)}` },
    });
    expect(res.statusCode).toBe(200);
  });

  it('lets registered verifiers accept other tokens (SSO)', async () => {
    t.app.registerTokenVerifier(async (token) => (token === 'sso-token' ? { userId: 'sso:bob', username: 'bob', groups: ['dev'] } : null));
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Bearer sso-token' } });
    expect(res.json()).toEqual({ id: 'sso:bob', username: 'bob', groups: ['dev'] });
  });
});

describe('bootstrap admin and password hashing', () => {
  it('prints a generated password exactly once and never logs it', async () => {
    const t = await buildTestApp({ adminPassword: undefined, adminUsername: 'root' });
    try {
      const printed: string[] = [];
      await bootstrapAdmin(t.app.users, { username: 'root' }, t.app.log, (s) => printed.push(s));
      expect(printed).toEqual([]); // the user exists already: nothing printed the second time
      expect(await t.app.users.count()).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('announces the generated password that then works for login', async () => {
    const t = await buildTestApp();
    try {
      await t.app.db.deleteFrom('users').execute();
      const printed: string[] = [];
      await bootstrapAdmin(t.app.users, { username: 'first' }, t.app.log, (s) => printed.push(s));
      const password = /password: (\S+)/.exec(printed.join(''))![1]!;
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'first', password } });
      expect(res.statusCode).toBe(200);
      expect(t.logs.join('\n')).not.toContain(password);
    } finally {
      await t.close();
    }
  });

  it('hashes with scrypt, salted, and verifies', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('wrong horse', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});
