// Console RBAC on the ways into a cluster, against kube-sim: each built-in role × operation
// through the generic proxy and the watch hub WebSocket, and the tricks of issue 6 (method
// override, a watch parameter on a list, subresource paths, encoded path segments, a namespace in
// the body that differs from the path), each denied before anything reaches the apiserver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '@k8s-console/test-support';
import { startSimCluster, WatchClient, type SimCluster } from '../kube/testing/sim-cluster.js';

const PASSWORD = 'Tr0ub4dor&3-horse';
const ROLES = ['admin', 'operator', 'viewer'] as const;

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('console RBAC on the proxy and the watch hub', () => {
  let c: SimCluster;
  const tokens: Record<string, string> = {};
  let pod: string;

  const url = (path: string) => `${c.baseUrl}/api/v1/clusters/${c.clusterId}/k8s${path}`;
  const call = (who: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(url(path), {
      method,
      headers: {
        authorization: `Bearer ${tokens[who]}`,
        ...(body !== undefined ? { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  async function addUser(username: string, roles: string[]) {
    const res = await c.t.app.inject({ method: 'POST', url: '/api/v1/users', headers: c.t.auth, payload: { username, password: PASSWORD, roles } });
    expect(res.statusCode, res.body).toBe(201);
    const login = await c.t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: PASSWORD } });
    tokens[username] = login.json().accessToken;
  }

  beforeAll(async () => {
    c = await startSimCluster({ seed: 'demo' });
    tokens.admin = c.token;
    await addUser('operator', ['operator']);
    await addUser('viewer', ['viewer']);
    await addUser('nobody', []);
    // a Running one: reading the log of a pod still starting is the apiserver's 400, whoever asks
    await waitUntil('a Running frontend pod in shop', async () => {
      const pods = (await (await call('admin', 'GET', '/api/v1/namespaces/shop/pods')).json()) as { items: { metadata: { name: string }; status?: { phase?: string } }[] };
      pod = pods.items.find((p) => p.metadata.name.startsWith('frontend-') && p.status?.phase === 'Running')?.metadata.name ?? '';
      return pod !== '';
    }, { intervalMs: 100, timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await c?.close();
  });

  const scale = { spec: { replicas: 3 } };
  const clusterRole = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'sneaky' }, rules: [] };
  // [operation, method, path, body, the status when allowed, allowed for admin/operator/viewer]
  const matrix: [string, string, () => string, unknown, number, [boolean, boolean, boolean]][] = [
    ['list pods', 'GET', () => '/api/v1/namespaces/shop/pods', undefined, 200, [true, true, true]],
    ['read a secret', 'GET', () => '/api/v1/namespaces/shop/secrets/shop-db', undefined, 200, [true, true, false]],
    ['list secrets in all namespaces', 'GET', () => '/api/v1/secrets', undefined, 200, [true, true, false]],
    ['delete a deployment (dry run)', 'DELETE', () => '/apis/apps/v1/namespaces/shop/deployments/frontend?dryRun=All', undefined, 200, [true, true, false]],
    ['scale (dry run)', 'PATCH', () => '/apis/apps/v1/namespaces/shop/deployments/frontend/scale?dryRun=All', scale, 200, [true, true, false]],
    ['exec', 'POST', () => `/api/v1/namespaces/shop/pods/${pod}/exec?command=ls&stdout=true`, undefined, -1, [true, true, false]],
    ['read logs', 'GET', () => `/api/v1/namespaces/shop/pods/${pod}/log?tailLines=1`, undefined, 200, [true, true, true]],
    ['create a ClusterRole (dry run)', 'POST', () => '/apis/rbac.authorization.k8s.io/v1/clusterroles?dryRun=All', clusterRole, 201, [true, false, false]],
  ];

  for (const [what, method, path, body, okStatus, allowed] of matrix) {
    it.each(ROLES.map((role, i) => [role, allowed[i]] as const))(`${what} as %s → allowed %s`, async (role, ok) => {
      const res = await call(role, method, path(), body);
      const text = await res.text();
      if (ok) {
        expect(res.status, text).not.toBe(403);
        if (okStatus > 0) expect(res.status, text).toBe(okStatus);
      } else {
        expect(res.status, text).toBe(403);
        expect(JSON.parse(text).error.message).toMatch(new RegExp(`^user "${role}" cannot ${method === 'GET' && what.startsWith('list') ? 'list' : ''}`));
        expect(text).not.toContain('s3cr3t');
      }
    });
  }

  it('a user with no role is denied everything, discovery included', async () => {
    expect((await call('nobody', 'GET', '/api/v1/namespaces/shop/pods')).status).toBe(403);
    expect((await call('nobody', 'GET', '/version')).status).toBe(403);
    expect((await call('viewer', 'GET', '/version')).status).toBe(200);
  });

  describe('typed actions and apply', () => {
    const action = (who: string, path: string, body: unknown) =>
      fetch(`${c.baseUrl}/api/v1/clusters/${c.clusterId}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: shop\ndata:\n  a: "1"\n';
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: applied\n  namespace: shop\nstringData:\n  a: "1"\n';
    it.each([
      ['operator', 'scale', '/actions/scale', { resource: 'deployments', namespace: 'shop', name: 'frontend', replicas: 3 }, true],
      ['viewer', 'scale', '/actions/scale', { resource: 'deployments', namespace: 'shop', name: 'frontend', replicas: 3 }, false],
      ['viewer', 'restart', '/actions/restart', { resource: 'deployments', namespace: 'shop', name: 'frontend' }, false],
      ['viewer', 'delete', '/actions/delete', { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'shop', name: 'frontend' }, false],
      ['viewer', 'cordon', '/actions/cordon', { node: 'whatever' }, false],
      ['operator', 'apply a ConfigMap (dry run)', '/apply', { yaml: configMap }, true],
      ['viewer', 'apply a ConfigMap (dry run)', '/apply', { yaml: configMap }, false],
      ['viewer', 'apply a Secret (dry run)', '/apply', { yaml: secret }, false],
    ])('%s: %s → allowed %s', async (who, _what, path, body, ok) => {
      const res = await action(who, path, body);
      const text = await res.text();
      if (path === '/apply') {
        // apply answers per document: a refused one is 'failed' with FORBIDDEN, the rest go on
        expect(res.status, text).toBe(200);
        const doc = (JSON.parse(text) as { documents: { action: string; error?: { code: string; message: string } }[] }).documents[0]!;
        if (ok) expect(doc.action, text).not.toBe('failed');
        else expect(doc.error, text).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining(`user "${who}" cannot `) });
      } else if (ok) expect(res.status, text).toBe(200);
      else {
        expect(res.status, text).toBe(403);
        expect(JSON.parse(text).error.message).toContain(`user "${who}" cannot `);
      }
    });

    it('actions are audited with their target', async () => {
      await c.t.app.audit.flush();
      const res = await c.t.app.inject({ method: 'GET', url: '/api/v1/audit?action=request&verb=scale&username=operator', headers: c.t.auth });
      expect(res.json().items[0]).toMatchObject({ clusterId: c.clusterId, resource: 'deployments', namespace: 'shop', name: 'frontend', outcome: 'success' });
      // a document the apply refused is a denial too, though the answer was 200
      const refused = await c.t.app.inject({ method: 'GET', url: '/api/v1/audit?action=denial&username=viewer&resource=secrets&verb=get', headers: c.t.auth });
      expect(refused.json().items).toContainEqual(expect.objectContaining({ name: 'applied', namespace: 'shop', status: 200 }));
    });
  });

  describe('attempts to get around it', () => {
    it('a method-override header does not turn a read into a delete', async () => {
      const res = await call('viewer', 'GET', '/apis/apps/v1/namespaces/shop/deployments/frontend', undefined, { 'x-http-method-override': 'DELETE' });
      expect(res.status).toBe(200);
      expect((await call('admin', 'GET', '/apis/apps/v1/namespaces/shop/deployments/frontend')).status).toBe(200);
      const post = await call('viewer', 'POST', '/api/v1/namespaces/shop/configmaps', { metadata: { name: 'x' } }, { 'x-http-method-override': 'GET' });
      expect(post.status).toBe(403);
    });

    it('a watch parameter on a list needs watch', async () => {
      const role = await c.t.app.inject({
        method: 'POST',
        url: '/api/v1/roles',
        headers: c.t.auth,
        payload: { name: 'pod-lister', rules: [{ verbs: ['list'], apiGroups: [''], resources: ['pods'], namespaces: ['shop'] }] },
      });
      expect(role.statusCode, role.body).toBe(201);
      await addUser('lister', ['pod-lister']);
      expect((await call('lister', 'GET', '/api/v1/namespaces/shop/pods')).status).toBe(200);
      for (const q of ['watch=true', 'watch=1', 'watch=True']) {
        const res = await call('lister', 'GET', `/api/v1/namespaces/shop/pods?${q}`);
        expect(res.status, q).toBe(403);
        expect(((await res.json()) as { error: { message: string } }).error.message).toContain('cannot watch pods');
      }
      expect((await call('lister', 'GET', '/api/v1/namespaces/kube-system/pods')).status).toBe(403);
    });

    it('subresource paths do not reach what the resource is denied', async () => {
      for (const sub of ['exec?command=ls', 'attach', 'portforward']) {
        expect((await call('viewer', 'GET', `/api/v1/namespaces/shop/pods/${pod}/${sub}`)).status, sub).toBe(403);
      }
      expect((await call('viewer', 'GET', '/api/v1/namespaces/shop/secrets/shop-db/status')).status).toBe(403);
      expect((await call('viewer', 'GET', '/api/v1/namespaces/shop/services/frontend/proxy/')).status).toBe(403);
      expect((await call('viewer', 'GET', '/api/v1/namespaces/shop/services/frontend:80/proxy/x')).status).toBe(403);
    });

    it('dot segments and encoded slashes are refused before any decision', async () => {
      for (const path of [
        '/api/v1/namespaces/shop/pods/%2e%2e/secrets/shop-db',
        '/api/v1/namespaces/shop/pods%2F..%2Fsecrets/shop-db',
        '/api/v1/namespaces/shop/configmaps/..%2fsecrets',
        '/api/v1/namespaces/shop/pods/x%5c..%5csecrets',
      ]) {
        const res = await call('viewer', 'GET', path);
        const text = await res.text();
        expect([400, 403], `${path}: ${res.status} ${text}`).toContain(res.status);
        expect(text).not.toContain('s3cr3t');
      }
    });

    it('a namespace in the body that differs from the path creates nothing there', async () => {
      const role = await c.t.app.inject({
        method: 'POST',
        url: '/api/v1/roles',
        headers: c.t.auth,
        payload: { name: 'monitoring-editor', rules: [{ verbs: ['create', 'get'], apiGroups: [''], resources: ['configmaps'], namespaces: ['monitoring'] }] },
      });
      expect(role.statusCode, role.body).toBe(201);
      await addUser('mona', ['monitoring-editor']);
      const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'smuggled', namespace: 'shop' }, data: { a: '1' } };
      const res = await call('mona', 'POST', '/api/v1/namespaces/monitoring/configmaps', body);
      expect(res.status).not.toBe(201);
      expect((await call('admin', 'GET', '/api/v1/namespaces/shop/configmaps/smuggled')).status).toBe(404);
      expect((await call('mona', 'POST', '/api/v1/namespaces/shop/configmaps', body)).status).toBe(403);
    });

    it('every denial above is in the audit log with the parsed request', async () => {
      await c.t.app.audit.flush();
      const res = await c.t.app.inject({ method: 'GET', url: '/api/v1/audit?action=denial&username=viewer&resource=secrets&limit=500', headers: c.t.auth });
      const items = res.json().items as { clusterId: string; namespace: string | null; verb: string; name: string | null; status: number | null }[];
      expect(items).toContainEqual(expect.objectContaining({ clusterId: c.clusterId, namespace: 'shop', verb: 'get', name: 'shop-db' }));
      // proxied denials are recorded by the 403 hook (with the status), not again by the authorizer
      expect(items.filter((e) => e.name === 'shop-db' && e.status !== 403)).toEqual([]);
    });
  });

  describe('watch hub subscriptions', () => {
    const subscribe = (client: WatchClient, id: string, resource: string, namespace?: string) =>
      client.send({ type: 'subscribe', id, cluster: c.clusterId, group: '', version: 'v1', resource, ...(namespace ? { namespace } : {}), mode: 'objects' });

    it.each([
      ['admin', 'secrets', true],
      ['operator', 'secrets', true],
      ['viewer', 'secrets', false],
      ['viewer', 'pods', true],
      ['nobody', 'pods', false],
    ])('%s watching %s → allowed %s', async (who, resource, ok) => {
      const client = new WatchClient(c.baseUrl, tokens[who]!);
      try {
        await client.opened;
        subscribe(client, 's1', resource, 'shop');
        await until(() => client.of('s1').some((m) => m.type === 'snapshot' || m.type === 'error'), 'a snapshot or an error');
        const first = client.of('s1')[0]!;
        if (ok) expect(first.type).toBe('snapshot');
        else expect(first).toMatchObject({ type: 'error', fatal: true, message: expect.stringContaining(`user "${who}" cannot`) });
      } finally {
        client.close();
      }
    });

    it('a denied subscription is in the audit log; filtering the cluster list is not a denial', async () => {
      await c.t.app.audit.flush();
      const res = await c.t.app.inject({ method: 'GET', url: '/api/v1/audit?action=denial&username=viewer&resource=secrets&limit=500', headers: c.t.auth });
      const items = res.json().items as { verb: string; namespace: string | null; address: string | null; detail: string }[];
      expect(items.some((e) => (e.verb === 'list' || e.verb === 'watch') && e.namespace === 'shop' && e.detail.startsWith('user "viewer" cannot'))).toBe(true);
      await fetch(`${c.baseUrl}/api/v1/clusters`, { headers: { authorization: `Bearer ${tokens.nobody}` } });
      await c.t.app.audit.flush();
      const nobody = await c.t.app.inject({ method: 'GET', url: '/api/v1/audit?action=denial&username=nobody&resource=clusters', headers: c.t.auth });
      expect(nobody.json().items).toEqual([]);
    });
  });
});
