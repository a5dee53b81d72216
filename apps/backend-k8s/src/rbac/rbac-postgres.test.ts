// The RBAC, sessions and audit APIs on PostgreSQL (the store replicas share): one pass through
// users, bindings, permissions, refresh-token rotation and reuse, and the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase } from '@k8s-console/test-support';
import type { AuditPage, LoginResponse, PermissionsResponse } from '@k8s-console/contracts';
import { buildTestApp, type TestApp } from '../../test/test-app.js';

const pg = await freshPostgresDatabase();
const PASSWORD = 'Tr0ub4dor&3-horse';

describe.runIf(pg.available)('RBAC, sessions and audit on PostgreSQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ databaseUrl: pg.url });
  });
  afterAll(async () => {
    await t?.close();
    await pg.drop();
  });

  it('creates a user with a role, rotates and revokes its refresh tokens, and audits it all', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: t.auth, payload: { username: 'pia', password: PASSWORD, roles: ['operator'] } });
    expect(created.statusCode, created.body).toBe(201);
    const dup = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: t.auth, payload: { username: 'pia', password: PASSWORD } });
    expect(dup.statusCode).toBe(409);

    const login = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'pia', password: PASSWORD } })).json() as LoginResponse;
    const perms = (
      await t.app.inject({ method: 'GET', url: '/api/v1/me/permissions', headers: { authorization: `Bearer ${login.accessToken}` } })
    ).json() as PermissionsResponse;
    expect(perms.roles).toEqual(['operator']);

    const next = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: login.refreshToken } });
    expect(next.statusCode).toBe(200);
    const reused = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: login.refreshToken } });
    expect(reused.json().error.code).toBe('REFRESH_TOKEN_REUSED');
    const successor = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: (next.json() as LoginResponse).refreshToken } });
    expect(successor.statusCode).toBe(401);

    await t.app.audit.flush();
    const audit = (await t.app.inject({ method: 'GET', url: '/api/v1/audit?username=pia', headers: t.auth })).json() as AuditPage;
    expect(audit.items.map((e) => `${e.action}:${e.outcome}`)).toEqual(['refresh:denied', 'refresh:denied', 'login:success']);
  });
});
