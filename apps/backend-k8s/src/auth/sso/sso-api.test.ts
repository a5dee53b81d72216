// Sign-on from a host application through HTTP: the exchange creates the user on first sign-on
// with the default role, keeps groups current, refuses forged or stale tokens, never signs in as
// a local account, and the host's JWT is not a bearer token for other routes.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage, LoginResponse, PermissionsResponse, User } from '@k8s-console/contracts';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';

const SECRET = 'shared-with-the-host-app-0123456789abcdef';
const ISSUER = 'https://host.example';
const AUDIENCE = 'k8s-console';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPublicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

describe('SSO exchange (HS256 secret and RS256 key configured)', () => {
  let t: TestApp;
  const exchange = (token: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/sso', payload: { token } });
  const hostToken = (claims: object, o: jwt.SignOptions = {}, expiring = true) =>
    jwt.sign(claims, SECRET, { algorithm: 'HS256', issuer: ISSUER, audience: AUDIENCE, ...(expiring ? { expiresIn: 300 } : {}), ...o });

  beforeAll(async () => {
    t = await buildTestApp({
      ssoJwtSecret: SECRET,
      ssoJwtPublicKey: rsaPublicPem,
      ssoIssuer: ISSUER,
      ssoAudience: AUDIENCE,
      ssoUsernameClaim: 'preferred_username',
      ssoGroupsClaim: 'groups',
      ssoDefaultRole: 'viewer',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('first sign-on creates the user with the default role; later ones refresh the groups', async () => {
    const res = await exchange(hostToken({ sub: 'u-1', preferred_username: 'hana', groups: ['ops'] }));
    expect(res.statusCode, res.body).toBe(200);
    const session = res.json() as LoginResponse;
    expect(session.user).toMatchObject({ username: 'hana', groups: ['ops'] });
    // the embedded console renews with a fresh host token: no refresh token to outlive the host's sign-out
    expect(session.refreshToken).toBeUndefined();
    expect(await t.app.db.selectFrom('refresh_tokens').select('id').where('user_id', '=', session.user.id).execute()).toEqual([]);
    const headers = { authorization: `Bearer ${session.accessToken}` };
    const perms = (await t.app.inject({ method: 'GET', url: '/api/v1/me/permissions', headers })).json() as PermissionsResponse;
    expect(perms.roles).toEqual(['viewer']);

    const rs = await exchange(jwt.sign({ preferred_username: 'hana', groups: ['dev'] }, rsa.privateKey, { algorithm: 'RS256', issuer: ISSUER, audience: AUDIENCE, expiresIn: 300 }));
    expect(rs.statusCode, rs.body).toBe(200);
    const users = (await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: t.auth })).json().items as User[];
    expect(users.find((u) => u.username === 'hana')).toMatchObject({ source: 'sso', groups: ['dev'] });
    // an SSO user has no console password
    const pw = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'hana', password: '!sso' } });
    expect(pw.statusCode).toBe(401);
  });

  it.each([
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ preferred_username: 'mallory', iss: ISSUER, aud: AUDIENCE, exp: now() + 300 })}.`],
    [
      'HS256 made with the public key (HS/RS confusion)',
      () => {
        const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ preferred_username: 'mallory', iss: ISSUER, aud: AUDIENCE, exp: now() + 300 })}`;
        return `${input}.${createHmac('sha256', rsaPublicPem).update(input).digest('base64url')}`;
      },
    ],
    ['expired', () => hostToken({ preferred_username: 'mallory', exp: now() - 300 }, {}, false)],
    ['wrong audience', () => hostToken({ preferred_username: 'mallory' }, { audience: 'another-app' })],
    ['wrong issuer', () => hostToken({ preferred_username: 'mallory' }, { issuer: 'https://evil.example' })],
    ['no expiry', () => hostToken({ preferred_username: 'mallory' }, {}, false)],
    ['another secret', () => jwt.sign({ preferred_username: 'mallory' }, 'not-the-shared-secret-but-long-enough', { algorithm: 'HS256', issuer: ISSUER, audience: AUDIENCE, expiresIn: 300 })],
  ])('refuses %s', async (_what, make) => {
    const res = await exchange(make());
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('INVALID_SSO_TOKEN');
    const users = (await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: t.auth })).json().items as User[];
    expect(users.map((u) => u.username)).not.toContain('mallory');
  });

  it('exchanges a token that names itself (jti) once, on any replica; one without jti until it expires', async () => {
    const once = hostToken({ preferred_username: 'ivy', groups: [] }, { jwtid: 'host-token-1' });
    expect((await exchange(once)).statusCode).toBe(200);
    const replay = await exchange(once);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('SSO_TOKEN_REUSED');
    // a sibling replica shares the database: the record of the first use is there too
    expect(await t.app.db.selectFrom('sso_token_uses').select('token_id').execute()).toHaveLength(1);
    expect((await exchange(hostToken({ preferred_username: 'ivy', groups: [] }, { jwtid: 'host-token-2' }))).statusCode).toBe(200);
    const noJti = hostToken({ preferred_username: 'ivy', groups: [] });
    expect((await exchange(noJti)).statusCode).toBe(200);
    expect((await exchange(noJti)).statusCode).toBe(200);
    await t.app.audit.flush();
    const audit = (await t.app.inject({ method: 'GET', url: '/api/v1/audit?action=sso&username=ivy', headers: t.auth })).json() as { items: { outcome: string; detail: string | null }[] };
    expect(audit.items.filter((e) => e.outcome === 'denied').map((e) => e.detail)).toEqual(['sign-on token already used']);
  });

  it('never signs in as a local account', async () => {
    const res = await exchange(hostToken({ preferred_username: 'admin', groups: ['console-admins'] }));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('LOCAL_USER_EXISTS');
  });

  it('the host JWT is not a console bearer token', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${hostToken({ preferred_username: 'hana' })}` } });
    expect(res.statusCode).toBe(401);
  });

  it('a disabled SSO user cannot sign on; failures are audited', async () => {
    const users = (await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: t.auth })).json().items as User[];
    const hana = users.find((u) => u.username === 'hana')!;
    await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${hana.id}`, headers: t.auth, payload: { disabled: true } });
    expect((await exchange(hostToken({ preferred_username: 'hana' }))).statusCode).toBe(401);
    const audit = (await t.app.inject({ method: 'GET', url: '/api/v1/audit?action=sso', headers: t.auth })).json() as AuditPage;
    expect(audit.items.filter((e) => e.outcome === 'failure').length).toBeGreaterThanOrEqual(7);
    expect(audit.items.some((e) => e.outcome === 'denied' && e.username === 'admin')).toBe(true);
  });
});

describe('SSO not configured', () => {
  it('answers 404 naming the variables', async () => {
    const t = await buildTestApp();
    try {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sso', payload: { token: 'x' } });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.message).toMatch(/SSO_JWT_SECRET/);
    } finally {
      await t.close();
    }
  });

  it('a half configuration stops the start', async () => {
    await expect(buildTestApp({ ssoJwtSecret: SECRET })).rejects.toThrow(/SSO_ISSUER/);
    await expect(buildTestApp({ ssoJwtSecret: SECRET, ssoIssuer: ISSUER, ssoAudience: AUDIENCE, ssoDefaultRole: 'nope' })).rejects.toThrow(/SSO_DEFAULT_ROLE/);
  });
});
