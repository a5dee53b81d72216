// The proxy's fast path over real HTTP: which requests it answers (allowed reads) and that every
// other one reaches the Fastify route as before (refusals, bad input, CORS, writes), with the
// same answers, one audit record per denial, and upstream failures named like the route names them.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { AuditPage } from '@k8s-console/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigFor } from '../../test/fake-apiserver.js';
import { startSimCluster, type SimCluster } from './testing/sim-cluster.js';

const PASSWORD = 'fast-path-password-1';

describe('proxy fast path', () => {
  let c: SimCluster;
  let nobodyToken: string;
  let deadClusterId: string;

  beforeAll(async () => {
    c = await startSimCluster({ seed: 'demo' });
    const inject = (method: 'POST' | 'GET', url: string, payload?: object) => c.t.app.inject({ method, url, headers: c.t.auth, ...(payload ? { payload } : {}) });
    expect((await inject('POST', '/api/v1/users', { username: 'nobody', password: PASSWORD })).statusCode).toBe(201);
    const login = await c.t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody', password: PASSWORD } });
    nobodyToken = (login.json() as { accessToken: string }).accessToken;
    // a cluster whose apiserver port is closed
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const dead = await inject('POST', '/api/v1/clusters?skipTest=true', { name: 'dead', kubeconfig: kubeconfigFor(`https://127.0.0.1:${port}`, { token: 't' }) });
    expect(dead.statusCode, dead.body).toBe(201);
    deadClusterId = (dead.json() as { id: string }).id;
  });
  afterAll(async () => {
    await c?.close();
  });

  const path = (p: string, clusterId = c.clusterId) => `/api/v1/clusters/${clusterId}/k8s${p}`;
  const get = (p: string, headers: Record<string, string> = {}, init: RequestInit = {}) =>
    fetch(`${c.baseUrl}${p}`, { ...init, headers: { authorization: `Bearer ${c.token}`, ...headers } });
  /** Fastify logs "incoming request" for every request it routes; the fast path does not route. */
  const routedByFastify = (url: string) => c.t.logs.some((line) => line.includes('"incoming request"') && line.includes(`"url":"${url}"`));

  it('answers an allowed read itself, exactly as the Fastify route answers it', async () => {
    const url = path('/api/v1/namespaces/kube-system/pods?limit=2');
    const fast = await get(url);
    const body = await fast.text();
    expect(fast.status).toBe(200);
    expect(routedByFastify(url)).toBe(false);
    expect(c.t.logs.some((line) => line.includes('"request completed"') && line.includes(url) && line.includes(`"cluster":"${c.clusterId}"`))).toBe(true);

    const routed = await c.t.app.inject({ method: 'GET', url, headers: c.t.auth });
    expect(routed.statusCode).toBe(200);
    expect(fast.headers.get('content-type')).toBe(routed.headers['content-type']);
    const items = (text: string) => (JSON.parse(text) as { items: { metadata: { name: string } }[] }).items.map((p) => p.metadata.name);
    expect(items(body)).toEqual(items(routed.body));
  });

  it('measures under the same route patterns as the route: the bare root apart from the paths below it', async () => {
    const count = async (route: string) => {
      const metrics = (await c.t.app.inject({ method: 'GET', url: '/metrics' })).body;
      let sum = 0;
      for (const line of metrics.split('\n')) {
        if (line.startsWith('k8s_console_http_request_duration_seconds_count{') && line.includes(`route="${route}"`)) sum += Number(line.split(' ').at(-1));
      }
      return sum;
    };
    const before = { root: await count('/api/v1/clusters/:id/k8s'), below: await count('/api/v1/clusters/:id/k8s/*') };
    await (await get(path(''))).text();
    await (await get(path('/version'))).text();
    expect(routedByFastify(path(''))).toBe(false);
    await expect.poll(() => count('/api/v1/clusters/:id/k8s')).toBe(before.root + 1);
    expect(await count('/api/v1/clusters/:id/k8s/*')).toBe(before.below + 1);
  });

  it('answers HEAD like the route and Tables, passing Accept through', async () => {
    const url = path('/api/v1/namespaces/kube-system/pods');
    const head = await get(url, {}, { method: 'HEAD' });
    expect(routedByFastify(url)).toBe(false);
    expect(head.status).toBe((await c.t.app.inject({ method: 'HEAD', url, headers: c.t.auth })).statusCode);
    const table = await get(path('/api/v1/namespaces/kube-system/pods'), { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(((await table.json()) as { kind: string }).kind).toBe('Table');
  });

  it('leaves a refusal to the route: one 403 naming the permission, one audit record', async () => {
    const url = path('/api/v1/namespaces/shop/secrets');
    const res = await get(url, { authorization: `Bearer ${nobodyToken}` });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('cannot list secrets') });
    expect(routedByFastify(url)).toBe(true);
    await c.t.app.audit.flush();
    const audit = await c.t.app.inject({ method: 'GET', url: '/api/v1/audit?action=denial&username=nobody&resource=secrets', headers: c.t.auth });
    const page = audit.json() as AuditPage;
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ status: 403, namespace: 'shop', verb: 'list' });
  });

  it('leaves a bad token, a bad path and an unknown cluster to the route, with its answers', async () => {
    expect((await get(path('/api/v1/pods'), { authorization: 'Bearer not-a-token' })).status).toBe(401);
    // (fetch itself would resolve an encoded "..", so a double slash stands for the bad paths)
    const bad = await get(path('/api/v1/namespaces//pods'));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_KUBERNETES_PATH');
    const unknown = await get(path('/api/v1/pods', '00000000-0000-4000-8000-000000000000'));
    expect(unknown.status).toBe(404);
  });

  it('leaves requests with an Origin (CORS is the embed plugin’s) and writes to the route', async () => {
    const url = path('/api/v1/namespaces/default/configmaps');
    expect((await get(url, { origin: 'https://host.example' })).status).toBe(200);
    expect(routedByFastify(url)).toBe(true);
    const created = await fetch(`${c.baseUrl}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fast-path-write' } }),
    });
    expect(created.status).toBe(201);
  });

  it('answers an unreachable cluster with the 502 the route gives, naming the cluster', async () => {
    const url = path('/api/v1/pods', deadClusterId);
    const res = await get(url);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toContain('application/json');
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('CLUSTER_UNREACHABLE');
    expect(error.message).toContain('cluster "dead"');
    expect(routedByFastify(url)).toBe(false);
    const routed = await c.t.app.inject({ method: 'GET', url, headers: c.t.auth });
    expect(routed.statusCode).toBe(502);
    expect((routed.json() as { error: { code: string } }).error.code).toBe('CLUSTER_UNREACHABLE');
  });

  it('answers from what this replica holds without a lookup, and notices a change to the user, its bindings or the cluster at once', async () => {
    const app = c.t.app;
    const admin = (method: 'POST' | 'PATCH' | 'DELETE' | 'GET', url: string, payload?: object) =>
      app.inject({ method, url, headers: c.t.auth, ...(payload ? { payload } : {}) });
    const viewer = ((await admin('GET', '/api/v1/roles')).json() as { items: { id: string; name: string }[] }).items.find((r) => r.name === 'viewer')!;
    const bind = async () => {
      const res = await admin('POST', '/api/v1/rolebindings', { roleId: viewer.id, subjectKind: 'user', subjectName: 'nobody' });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { id: string }).id;
    };
    const second = await admin('POST', '/api/v1/clusters', { name: 'sim-again', kubeconfig: c.sim.kubeconfig() });
    expect(second.statusCode, second.body).toBe(201);
    const secondId = (second.json() as { id: string }).id;
    const asNobody = (clusterId = c.clusterId) => get(path('/api/v1/namespaces/default/configmaps', clusterId), { authorization: `Bearer ${nobodyToken}` });

    // app.authenticate is what a request that must look something up awaits: count those
    const authenticate = app.authenticate;
    let lookups = 0;
    app.authenticate = (token: string) => {
      lookups++;
      return authenticate.call(app, token);
    };
    try {
      const binding = await bind();
      expect((await asNobody()).status).toBe(200); // may look up: the binding just changed the rules
      const before = lookups;
      for (let i = 0; i < 3; i++) expect((await asNobody()).status).toBe(200);
      expect((await asNobody(secondId)).status).toBe(200);
      expect((await asNobody(secondId)).status).toBe(200);
      expect(lookups - before).toBeLessThanOrEqual(1); // the first request to the second cluster at most

      // the binding removed: refused on the next request
      expect((await admin('DELETE', `/api/v1/rolebindings/${binding}`)).statusCode).toBe(204);
      expect((await asNobody()).status).toBe(403);
      await bind();
      expect((await asNobody()).status).toBe(200);
      // the cluster removed: gone on the next request
      expect((await admin('DELETE', `/api/v1/clusters/${secondId}`)).statusCode).toBe(204);
      expect((await asNobody(secondId)).status).toBe(404);
      // the user disabled: refused on the next request
      const nobody = ((await admin('GET', '/api/v1/users')).json() as { items: { id: string; username: string }[] }).items.find((u) => u.username === 'nobody')!;
      expect((await admin('PATCH', `/api/v1/users/${nobody.id}`, { disabled: true })).statusCode).toBe(200);
      const refused = await asNobody();
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('USER_DISABLED');
    } finally {
      app.authenticate = authenticate;
    }
  });
  it('cuts off a proxied watch once its user loses the binding that allowed it, or is disabled, on either path', async () => {
    const app = c.t.app;
    const admin = (method: 'POST' | 'PATCH' | 'DELETE' | 'GET', url: string, payload?: object) =>
      app.inject({ method, url, headers: c.t.auth, ...(payload ? { payload } : {}) });
    expect((await admin('POST', '/api/v1/users', { username: 'watcher', password: PASSWORD })).statusCode).toBe(201);
    const watcherId = ((await admin('GET', '/api/v1/users')).json() as { items: { id: string; username: string }[] }).items.find((u) => u.username === 'watcher')!.id;
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'watcher', password: PASSWORD } });
    const watcherToken = (login.json() as { accessToken: string }).accessToken;
    const viewer = ((await admin('GET', '/api/v1/roles')).json() as { items: { id: string; name: string }[] }).items.find((r) => r.name === 'viewer')!;
    const bind = async () => {
      const res = await admin('POST', '/api/v1/rolebindings', { roleId: viewer.id, subjectKind: 'user', subjectName: 'watcher' });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { id: string }).id;
    };
    /** a watch of configmaps as watcher; resolves with a function that waits for its end */
    const openWatch = async (headers: Record<string, string>) => {
      const url = path('/api/v1/namespaces/default/configmaps?watch=1');
      const res = await get(url, { authorization: `Bearer ${watcherToken}`, ...headers });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      let ended = false;
      const done = (async () => {
        try {
          while (!(await reader.read()).done);
        } catch {
          // cut off: what a revoked stream looks like to the client
        }
        ended = true;
      })();
      return { url, ended: () => ended, done };
    };

    // the fast path (no Origin) and the Fastify route (an Origin): both register their streams
    for (const headers of [{}, { origin: 'https://elsewhere.example' }] as Record<string, string>[]) {
      const binding = await bind();
      const watch = await openWatch(headers);
      expect(routedByFastify(watch.url)).toBe('origin' in headers);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(watch.ended()).toBe(false);
      expect((await admin('DELETE', `/api/v1/rolebindings/${binding}`)).statusCode).toBe(204);
      await expect.poll(() => watch.ended(), { timeout: 5000 }).toBe(true);
      expect((await get(watch.url, { authorization: `Bearer ${watcherToken}`, ...headers })).status).toBe(403);
    }
    expect(c.t.logs.filter((line) => line.includes('proxied stream ended: access revoked')).length).toBeGreaterThanOrEqual(2);

    // a disabled user's watch ends too
    await bind();
    const watch = await openWatch({});
    expect((await admin('PATCH', `/api/v1/users/${watcherId}`, { disabled: true })).statusCode).toBe(200);
    await expect.poll(() => watch.ended(), { timeout: 5000 }).toBe(true);
    await watch.done;
    // ended streams leave the re-checks (a watch the client closes as well)
    await expect.poll(() => app.liveSessions.size).toBe(0);
    expect((await admin('PATCH', `/api/v1/users/${watcherId}`, { disabled: false })).statusCode).toBe(200);
    const relogin = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'watcher', password: PASSWORD } });
    const res = await get(path('/api/v1/namespaces/default/configmaps?watch=1'), { authorization: `Bearer ${(relogin.json() as { accessToken: string }).accessToken}` });
    expect(res.status).toBe(200);
    await expect.poll(() => app.liveSessions.size).toBe(1);
    await res.body!.cancel();
    await expect.poll(() => app.liveSessions.size).toBe(0);
  });
});

describe('proxy fast path with embedding hosts listed', () => {
  let c: SimCluster;
  beforeAll(async () => {
    c = await startSimCluster({ seed: 'demo' }, { embedAllowedOrigins: ['https://host.example'] });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('says Vary: Origin like the route does, so no cache hands its answer to a cross-origin request', async () => {
    const url = `/api/v1/clusters/${c.clusterId}/k8s/api/v1/namespaces/kube-system/pods?limit=1`;
    const fast = await fetch(`${c.baseUrl}${url}`, { headers: { authorization: `Bearer ${c.token}` } });
    expect(fast.status).toBe(200);
    expect(c.t.logs.some((line) => line.includes('"incoming request"') && line.includes(url))).toBe(false);
    expect(fast.headers.get('vary')).toMatch(/(^|, )Origin(,|$)/);

    const cors = await fetch(`${c.baseUrl}${url}`, { headers: { authorization: `Bearer ${c.token}`, origin: 'https://host.example' } });
    expect(cors.status).toBe(200);
    expect(cors.headers.get('access-control-allow-origin')).toBe('https://host.example');
    expect(cors.headers.get('vary')).toMatch(/(^|, )Origin(,|$)/);
  });
});
