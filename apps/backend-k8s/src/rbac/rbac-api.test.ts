// Console RBAC through HTTP on a real app: each built-in role against the REST operations of
// issue 6's matrix, users/roles/bindings administration, escalation, the permissions API, and
// that every denial is a 403 naming the missing permission and lands in the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage, PermissionsResponse, Role, User } from '@k8s-console/contracts';
import { ADMIN_PASSWORD, buildTestApp, type TestApp } from '../../test/test-app.js';
import { kubeconfigFor, startFakeApiserver, type FakeApiserver } from '../../test/fake-apiserver.js';

const PASSWORD = 'Tr0ub4dor&3-horse';

describe('console RBAC over REST', () => {
  let t: TestApp;
  let apiserver: FakeApiserver;
  let clusterId: string;
  const tokens: Record<string, string> = {};

  async function as(who: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
    const headers = who === 'admin' ? t.auth : { authorization: `Bearer ${tokens[who]}` };
    return t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  }

  async function login(username: string, password = PASSWORD) {
    return t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  }

  beforeAll(async () => {
    t = await buildTestApp();
    apiserver = await startFakeApiserver({ tls: true });
    const created = await as('admin', 'POST', '/api/v1/clusters', { name: 'demo', kubeconfig: kubeconfigFor(apiserver.url, { caPem: apiserver.caPem }) });
    expect(created.statusCode).toBe(201);
    clusterId = created.json().id;
    for (const [username, roles] of [
      ['olivia', ['operator']],
      ['victor', ['viewer']],
      ['nora', []],
    ] as const) {
      const res = await as('admin', 'POST', '/api/v1/users', { username, password: PASSWORD, roles: [...roles] });
      expect(res.statusCode, res.body).toBe(201);
      tokens[username] = (await login(username)).json().accessToken;
    }
  });
  afterAll(async () => {
    await t?.close();
    await apiserver?.close();
  });

  describe('the matrix: role × console operation', () => {
    const kubeconfig = () => kubeconfigFor(apiserver.url, { caPem: apiserver.caPem });
    it.each([
      ['olivia', 403],
      ['victor', 403],
      ['nora', 403],
    ])('add a cluster as %s → %i', async (who, status) => {
      const res = await as(who, 'POST', '/api/v1/clusters', { name: `c-${who}`, kubeconfig: kubeconfig() });
      expect(res.statusCode).toBe(status);
      expect(res.json().error.message).toBe(`user "${who}" cannot create clusters (console administration)`);
    });

    it.each([
      ['admin', 1],
      ['olivia', 1],
      ['victor', 1],
      ['nora', 0],
    ])('list clusters as %s sees %i', async (who, count) => {
      const res = await as(who, 'GET', '/api/v1/clusters');
      expect(res.statusCode).toBe(200);
      expect(res.json().items).toHaveLength(count);
    });

    it.each(['olivia', 'victor'])('change or remove a cluster as %s → 403', async (who) => {
      expect((await as(who, 'PATCH', `/api/v1/clusters/${clusterId}`, { description: 'x' })).statusCode).toBe(403);
      expect((await as(who, 'DELETE', `/api/v1/clusters/${clusterId}`)).statusCode).toBe(403);
    });

    it.each([
      ['admin', 200],
      ['olivia', 403],
      ['victor', 403],
      ['nora', 403],
    ])('manage users, roles, bindings and read the audit log as %s → %i', async (who, status) => {
      for (const url of ['/api/v1/users', '/api/v1/roles', '/api/v1/rolebindings', '/api/v1/audit']) {
        expect((await as(who, 'GET', url)).statusCode, url).toBe(status);
      }
      const create = await as(who, 'POST', '/api/v1/users', { username: `new-${who}`, password: PASSWORD });
      expect(create.statusCode).toBe(status === 200 ? 201 : 403);
    });
  });

  describe('GET/POST /me/permissions', () => {
    const checks = [
      { verb: 'list', resource: 'pods', namespace: 'shop' },
      { verb: 'get', resource: 'secrets', namespace: 'shop', name: 's' },
      { verb: 'delete', resource: 'deployments', group: 'apps', namespace: 'shop', name: 'web' },
      { verb: 'patch', resource: 'deployments/scale', group: 'apps', namespace: 'shop', name: 'web' },
      { verb: 'create', resource: 'pods/exec', namespace: 'shop', name: 'p' },
      { verb: 'get', resource: 'pods/log', namespace: 'shop', name: 'p' },
    ];
    it.each([
      ['admin', [true, true, true, true, true, true], true],
      ['olivia', [true, true, true, true, true, true], false],
      ['victor', [true, false, false, false, false, true], false],
      ['nora', [false, false, false, false, false, false], false],
    ])('%s', async (who, expected, consoleAdmin) => {
      const res = await as(who, 'POST', '/api/v1/me/permissions', { cluster: clusterId, checks });
      expect(res.statusCode).toBe(200);
      const body = res.json() as PermissionsResponse;
      expect(body.checks.map((c) => c.allowed)).toEqual(expected);
      expect(body.console.users).toBe(consoleAdmin);
      expect(body.console.clusters.create).toBe(consoleAdmin);
      const denied = body.checks.find((c) => !c.allowed);
      if (denied) expect(denied.reason).toMatch(new RegExp(`^user "${who}" cannot ${denied.check.verb} `));
      const get = (await as(who, 'GET', `/api/v1/me/permissions?cluster=${clusterId}`)).json() as PermissionsResponse;
      expect(get.checks).toEqual([]);
      expect(get.rules.length > 0).toBe(who !== 'nora');
    });
  });

  describe('custom roles and bindings', () => {
    let shopRole: Role;
    it('a binding to a role that does not exist is a 400 at roleId; a failing database is not', async () => {
      const missing = await as('admin', 'POST', '/api/v1/rolebindings', { roleId: '00000000-0000-4000-8000-000000000000', subjectKind: 'user', subjectName: 'nora' });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error).toMatchObject({ code: 'ROLE_NOT_FOUND', field: 'roleId' });
      const getRole = t.app.rbac.store.getRole;
      t.app.rbac.store.getRole = () => Promise.reject(new Error('database is locked'));
      try {
        const res = await as('admin', 'POST', '/api/v1/rolebindings', { roleId: '00000000-0000-4000-8000-000000000000', subjectKind: 'user', subjectName: 'nora' });
        expect(res.statusCode).toBe(500);
      } finally {
        t.app.rbac.store.getRole = getRole;
      }
    });

    it('a role scoped to one cluster and namespace, bound through a group', async () => {
      const created = await as('admin', 'POST', '/api/v1/roles', {
        name: 'shop-deployer',
        description: 'deploys the shop',
        rules: [{ verbs: ['get', 'list', 'watch', 'patch'], apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], clusters: [clusterId], namespaces: ['shop'] }],
      });
      expect(created.statusCode, created.body).toBe(201);
      shopRole = created.json();
      const nora = ((await as('admin', 'GET', '/api/v1/users')).json().items as User[]).find((u) => u.username === 'nora')!;
      expect((await as('admin', 'PATCH', `/api/v1/users/${nora.id}`, { groups: ['shop-team'] })).statusCode).toBe(200);
      const bound = await as('admin', 'POST', '/api/v1/rolebindings', { roleId: shopRole.id, subjectKind: 'group', subjectName: 'shop-team' });
      expect(bound.statusCode, bound.body).toBe(201);

      const perms = (
        await as('nora', 'POST', '/api/v1/me/permissions', {
          cluster: clusterId,
          checks: [
            { verb: 'patch', resource: 'deployments/scale', group: 'apps', namespace: 'shop', name: 'web' },
            { verb: 'patch', resource: 'deployments/scale', group: 'apps', namespace: 'other', name: 'web' },
            { verb: 'delete', resource: 'deployments', group: 'apps', namespace: 'shop', name: 'web' },
          ],
        })
      ).json() as PermissionsResponse;
      expect(perms.roles).toEqual(['shop-deployer']);
      expect(perms.checks.map((c) => c.allowed)).toEqual([true, false, false]);
      expect(perms.checks[2]!.reason).toBe(`user "nora" cannot delete deployments.apps "web" in namespace "shop" of cluster "${clusterId}"`);
      // a permission in the cluster makes it visible
      expect((await as('nora', 'GET', '/api/v1/clusters')).json().items).toHaveLength(1);
    });

    it('refuses rules that mean nothing, changing built-in roles, and duplicate names', async () => {
      const bad = await as('admin', 'POST', '/api/v1/roles', { name: 'bad', rules: [{ verbs: ['get'], resources: ['pods'] }] });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toMatchObject({ code: 'INVALID_RULE', field: 'rules.0.apiGroups' });
      const roles = (await as('admin', 'GET', '/api/v1/roles')).json().items as Role[];
      const viewer = roles.find((r) => r.name === 'viewer')!;
      expect((await as('admin', 'PATCH', `/api/v1/roles/${viewer.id}`, { rules: [] })).statusCode).toBe(403);
      expect((await as('admin', 'POST', '/api/v1/roles', { name: 'shop-deployer', rules: [] })).statusCode).toBe(409);
    });

    it('nobody grants more than they hold without escalate/bind', async () => {
      const delegateRole = await as('admin', 'POST', '/api/v1/roles', {
        name: 'user-manager',
        // not '*': that would include escalate and bind, as in Kubernetes
        rules: [{ verbs: ['get', 'list', 'create', 'update', 'delete'], apiGroups: ['console.k8s-console.io'], resources: ['users', 'roles', 'rolebindings'] }],
      });
      const dana = await as('admin', 'POST', '/api/v1/users', { username: 'dana', password: PASSWORD, roles: ['user-manager'] });
      expect(dana.statusCode, dana.body).toBe(201);
      expect(delegateRole.statusCode).toBe(201);
      tokens.dana = (await login('dana')).json().accessToken;

      const wide = await as('dana', 'POST', '/api/v1/roles', { name: 'everything', rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] });
      expect(wide.statusCode).toBe(403);
      expect(wide.json().error.code).toBe('ESCALATION');
      const roles = (await as('dana', 'GET', '/api/v1/roles')).json().items as Role[];
      const admin = roles.find((r) => r.name === 'admin')!;
      const self = await as('dana', 'POST', '/api/v1/rolebindings', { roleId: admin.id, subjectKind: 'user', subjectName: 'dana' });
      expect(self.statusCode).toBe(403);
      const sneaky = await as('dana', 'POST', '/api/v1/users', { username: 'sneaky', password: PASSWORD, roles: ['admin'] });
      expect(sneaky.statusCode).toBe(403);
      // groups carry roles: giving them, or creating an account its name or groups bind, is binding
      const users = (await as('admin', 'GET', '/api/v1/users')).json().items as User[];
      const id = (name: string) => users.find((u) => u.username === name)!.id;
      const selfGroups = await as('dana', 'PATCH', `/api/v1/users/${id('dana')}`, { groups: ['console-admins'] });
      expect(selfGroups.statusCode).toBe(403);
      expect(selfGroups.json().error).toMatchObject({ code: 'ESCALATION', field: 'groups' });
      expect((await as('dana', 'POST', '/api/v1/users', { username: 'groupie', password: PASSWORD, groups: ['console-admins'] })).statusCode).toBe(403);
      expect((await as('admin', 'POST', '/api/v1/rolebindings', { roleId: admin.id, subjectKind: 'user', subjectName: 'future-admin' })).statusCode).toBe(201);
      expect((await as('dana', 'POST', '/api/v1/users', { username: 'future-admin', password: PASSWORD })).statusCode).toBe(403);
      // nor take over (or lock out) an account holding more: a new password would be hers to use
      const takeover = await as('dana', 'PATCH', `/api/v1/users/${id('admin')}`, { password: 'An0ther-long-passphrase' });
      expect(takeover.statusCode).toBe(403);
      expect(takeover.json().error.message).toContain('cannot change user "admin"');
      expect((await as('dana', 'PATCH', `/api/v1/users/${id('admin')}`, { disabled: true })).statusCode).toBe(403);
      expect((await as('dana', 'DELETE', `/api/v1/users/${id('admin')}`)).statusCode).toBe(403);
      expect((await login('admin', ADMIN_PASSWORD)).statusCode).toBe(200);
      // accounts holding no more than she does are hers to manage
      const helper = await as('dana', 'POST', '/api/v1/users', { username: 'helper', password: PASSWORD, groups: ['support'] });
      expect(helper.statusCode, helper.body).toBe(201);
      expect((await as('dana', 'PATCH', `/api/v1/users/${(helper.json() as User).id}`, { password: 'An0ther-long-passphrase' })).statusCode).toBe(200);
      // within what dana holds: fine
      const narrow = await as('dana', 'POST', '/api/v1/roles', {
        name: 'user-reader',
        rules: [{ verbs: ['get', 'list'], apiGroups: ['console.k8s-console.io'], resources: ['users'] }],
      });
      expect(narrow.statusCode, narrow.body).toBe(201);
    });

    it('deleting a role removes its bindings and the permissions at once', async () => {
      expect((await as('admin', 'DELETE', `/api/v1/roles/${shopRole.id}`)).statusCode).toBe(204);
      const perms = (await as('nora', 'GET', `/api/v1/me/permissions?cluster=${clusterId}`)).json() as PermissionsResponse;
      expect(perms.roles).toEqual([]);
      expect((await as('nora', 'GET', '/api/v1/clusters')).json().items).toHaveLength(0);
    });
  });

  describe('users administration', () => {
    it('refuses weak passwords, and disabling or deleting yourself', async () => {
      const weak = await as('admin', 'POST', '/api/v1/users', { username: 'weak', password: 'password' });
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error).toMatchObject({ code: 'WEAK_PASSWORD', field: 'password' });
      const me = ((await as('admin', 'GET', '/api/v1/users')).json().items as User[]).find((u) => u.username === 'admin')!;
      expect((await as('admin', 'PATCH', `/api/v1/users/${me.id}`, { disabled: true })).statusCode).toBe(409);
      expect((await as('admin', 'DELETE', `/api/v1/users/${me.id}`)).statusCode).toBe(409);
      expect(JSON.stringify(me)).not.toContain('scrypt');
    });

    it('a disabled user is locked out at once; a deleted one too', async () => {
      const res = await as('admin', 'POST', '/api/v1/users', { username: 'temp', password: PASSWORD, roles: ['viewer'] });
      const temp = res.json() as User;
      const session = (await login('temp')).json();
      tokens.temp = session.accessToken;
      expect((await as('temp', 'GET', '/api/v1/clusters')).statusCode).toBe(200);
      expect((await as('admin', 'PATCH', `/api/v1/users/${temp.id}`, { disabled: true })).json().disabled).toBe(true);
      expect((await as('temp', 'GET', '/api/v1/clusters')).statusCode).toBe(401);
      const refresh = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: session.refreshToken } });
      expect(refresh.statusCode).toBe(401);
      expect((await as('admin', 'DELETE', `/api/v1/users/${temp.id}`)).statusCode).toBe(204);
      expect((await as('admin', 'GET', `/api/v1/users/${temp.id}`)).statusCode).toBe(404);
      expect(((await as('admin', 'GET', '/api/v1/rolebindings?subjectName=temp')).json().items as unknown[]).length).toBe(0);
    });
  });

  describe('audit', () => {
    it('records denials with the reason, mutations and sign-ins, filtered and paged', async () => {
      await t.app.audit.flush();
      const denials = (await as('admin', 'GET', '/api/v1/audit?action=denial&username=olivia')).json() as AuditPage;
      expect(denials.items.length).toBeGreaterThan(0);
      expect(denials.items.map((e) => e.detail)).toContain('user "olivia" cannot create clusters (console administration)');
      expect(denials.items[0]).toMatchObject({ outcome: 'denied', status: 403, address: expect.any(String) });

      const created = (await as('admin', 'GET', '/api/v1/audit?action=request&username=admin&resource=users&verb=create')).json() as AuditPage;
      expect(created.items.map((e) => e.name)).toEqual(expect.arrayContaining(['olivia', 'victor', 'nora']));

      const addCluster = (await as('admin', 'GET', '/api/v1/audit?action=request&resource=clusters&verb=create')).json() as AuditPage;
      expect(addCluster.items.at(-1)).toMatchObject({ username: 'admin', outcome: 'success', status: 201, apiGroup: 'console.k8s-console.io' });
      const roleDeleted = (await as('admin', 'GET', '/api/v1/audit?resource=roles&verb=delete')).json() as AuditPage;
      expect(roleDeleted.items[0]).toMatchObject({ name: 'shop-deployer', outcome: 'success', status: 204 });

      await login('victor', 'wrong-password-123');
      const failed = (await as('admin', 'GET', '/api/v1/audit?action=login&outcome=failure&username=victor')).json() as AuditPage;
      expect(failed.items[0]).toMatchObject({ detail: 'wrong password', status: 401 });

      const page1 = (await as('admin', 'GET', '/api/v1/audit?limit=3')).json() as AuditPage;
      const page2 = (await as('admin', 'GET', `/api/v1/audit?limit=3&cursor=${page1.next}`)).json() as AuditPage;
      expect(page1.items).toHaveLength(3);
      expect(page2.items[0]!.time <= page1.items[2]!.time).toBe(true);
      expect(page2.items.map((e) => e.id)).not.toContain(page1.items[0]!.id);
      expect((await as('admin', 'GET', '/api/v1/audit?since=yesterday')).json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'since' });
      expect((await as('admin', 'GET', '/api/v1/audit?cursor=bogus')).json().error).toMatchObject({ code: 'INVALID_CURSOR', field: 'cursor' });
      expect((await as('admin', 'GET', '/api/v1/audit?limit=5000')).statusCode).toBe(400);
      // nothing secret in the log
      const everything = JSON.stringify((await as('admin', 'GET', '/api/v1/audit?limit=500')).json());
      expect(everything).not.toContain(PASSWORD);
      expect(everything).not.toContain(tokens.olivia);
    });
  });
});
