// The host demo's server: its own login, SSO tokens only for its signed-in users, signed with the
// shared secret and accepted claims, and nothing secret in what the browser receives.
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostServer } from './host-server';

const SECRET = 'host-demo-shared-secret-0123456789abcdef';

describe('host demo server', () => {
  const dist = mkdtempSync(join(tmpdir(), 'host-demo-dist-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><main id="page"></main>');
  const server = createHostServer({
    distDir: dist,
    consoleUrl: 'http://127.0.0.1:3000/',
    sso: { secret: SECRET, issuer: 'acme-portal', audience: 'k8s-console' },
    users: [{ username: 'hana', password: 'hana-password', groups: ['ops'] }],
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (path: string, body: unknown, cookie = '') =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });

  it('refuses an SSO token without a host session and a login with a wrong password', async () => {
    expect((await post('/demo-api/sso-token', {})).status).toBe(401);
    const bad = await post('/demo-api/login', { username: 'hana', password: 'nope' });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('BAD_CREDENTIALS');
    const missing = await post('/demo-api/login', { username: 'hana' });
    expect(((await missing.json()) as { error: { field: string } }).error.field).toBe('password');
  });

  it('mints an HS256 token for the signed-in user, verifiable with the shared secret', async () => {
    const login = await post('/demo-api/login', { username: 'hana', password: 'hana-password' });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/);

    const res = await post('/demo-api/sso-token', {}, cookie);
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const [header, payload, signature] = token.split('.') as [string, string, string];
    expect(createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url')).toBe(signature);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'hana', groups: ['ops'], iss: 'acme-portal', aud: 'k8s-console' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);
    expect(JSON.stringify(claims)).not.toContain(SECRET);
  });

  it('serves the pages with a fallback for the embedding routes, and the console address', async () => {
    const page = await fetch(`${base}/qiankun/clusters/abc`);
    expect(await page.text()).toContain('id="page"');
    expect(await (await fetch(`${base}/demo-api/config`)).json()).toEqual({ consoleUrl: 'http://127.0.0.1:3000/' });
    // Outside dist: the page again, never the file.
    expect(await (await fetch(`${base}/%2e%2e/%2e%2e/%2e%2e/etc/passwd`)).text()).toContain('id="page"');
  });
});
