// The client address in the audit log (and for login throttling) behind a trusted proxy, and
// a forged X-Forwarded-For ignored when the sender is not trusted.
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditPage } from '@k8s-console/contracts';
import { buildTestApp, type TestApp } from '../../test/test-app.js';

describe('client address', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function failedLoginAddress(app: TestApp): Promise<string | null> {
    await app.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'x-forwarded-for': '203.0.113.9' },
      payload: { username: 'admin', password: 'not-the-password' },
    });
    const page = (await app.app.inject({ method: 'GET', url: '/api/v1/audit?action=login&outcome=failure', headers: app.auth })).json() as AuditPage;
    return page.items[0]!.address;
  }

  it('comes from X-Forwarded-For when the proxy is trusted', async () => {
    t = await buildTestApp({ trustProxy: '127.0.0.1' });
    expect(await failedLoginAddress(t)).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from anyone else', async () => {
    t = await buildTestApp();
    expect(await failedLoginAddress(t)).toBe('127.0.0.1');
  });
});
