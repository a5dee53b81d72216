// The cluster registry through HTTP: CRUD, connection tests, errors, events, the connection
// cache, and no credential in any response or log line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, ClusterList } from '@k8s-console/contracts';
import type { ClusterChangedEvent } from '../src/clusters/cluster-events.js';
import { buildTestApp, type TestApp } from './test-app.js';
import { GOOD_TOKEN, kubeconfigFor, startFakeApiserver, type FakeApiserver } from './fake-apiserver.js';

describe('clusters API', () => {
  let t: TestApp;
  let apiserver: FakeApiserver;
  const responses: string[] = [];
  const events: ClusterChangedEvent[] = [];

  beforeAll(async () => {
    t = await buildTestApp();
    apiserver = await startFakeApiserver({ tls: true });
    t.app.clusterEvents.on('changed', (e) => events.push(e));
  });
  afterAll(async () => {
    await t.close();
    await apiserver.close();
    expect(t.logs.length).toBeGreaterThan(10);
    const everything = [...responses, ...t.logs].join('\n');
    // the token, the CA (base64 and PEM body) never appear
    expect(everything).not.toContain(GOOD_TOKEN);
    expect(everything).not.toContain(Buffer.from(apiserver.caPem!).toString('base64').slice(0, 40));
    expect(everything).not.toContain(apiserver.caPem!.split('\n')[1]!);
  });

  async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
    const res = await t.app.inject({ method, url, headers: t.auth, ...(payload !== undefined ? { payload: payload as object } : {}) });
    responses.push(res.body);
    return res;
  }

  const kubeconfig = () => kubeconfigFor(apiserver.url, { caPem: apiserver.caPem });

  it('requires a token', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/clusters' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
  });

  it('tests an unsaved kubeconfig and inspects its contexts', async () => {
    const ok = await call('POST', '/api/v1/clusters/test', { kubeconfig: kubeconfig() });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, version: 'v1.31.2-fake' });
    const bad = await call('POST', '/api/v1/clusters/test', { kubeconfig: kubeconfigFor(apiserver.url, { caPem: apiserver.caPem, token: 'nope' }) });
    expect(bad.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const inspect = await call('POST', '/api/v1/clusters/inspect', { kubeconfig: kubeconfig() });
    expect(inspect.json()).toEqual({ currentContext: 'main', contexts: [{ name: 'main', cluster: 'c1', user: 'u1', server: apiserver.url }] });
  });

  let created: Cluster;
  it('creates a cluster after a successful connection test', async () => {
    const res = await call('POST', '/api/v1/clusters', { name: 'prod', description: 'the big one', kubeconfig: kubeconfig() });
    expect(res.statusCode).toBe(201);
    created = res.json();
    expect(created).toMatchObject({
      name: 'prod',
      description: 'the big one',
      server: apiserver.url,
      version: 'v1.31.2-fake',
      health: { status: 'ok', lastError: null },
      createdBy: 'admin',
    });
    expect(Object.keys(created).sort()).toEqual(['createdAt', 'createdBy', 'description', 'health', 'id', 'name', 'server', 'updatedAt', 'version']);
    expect(events.at(-1)).toEqual({ id: created.id, action: 'created', version: 1 });
  });

  it('lists and gets it without credentials', async () => {
    const list = (await call('GET', '/api/v1/clusters')).json() as ClusterList;
    expect(list.items.map((c) => c.name)).toEqual(['prod']);
    const one = await call('GET', `/api/v1/clusters/${created.id}`);
    expect(one.json()).toEqual(list.items[0]);
  });

  it('serves the decrypted connection, cached per version', async () => {
    const conn = await t.app.clusterConnections.get(created.id);
    expect(conn).toMatchObject({ id: created.id, name: 'prod', version: 1, credentials: { server: apiserver.url, token: GOOD_TOKEN } });
    expect(await t.app.clusterConnections.get(created.id)).toBe(conn);
    await expect(t.app.clusterConnections.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('refuses a create whose connection test fails, storing nothing', async () => {
    const before = events.length;
    const res = await call('POST', '/api/v1/clusters', { name: 'broken', kubeconfig: kubeconfigFor(apiserver.url, { caPem: apiserver.caPem, token: 'wrong' }) });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'CONNECTION_UNAUTHORIZED', field: 'kubeconfig' });
    expect(res.json().error.message).toContain('?skipTest=true');
    const untrusted = await call('POST', '/api/v1/clusters', { name: 'broken', kubeconfig: kubeconfigFor(apiserver.url) });
    expect(untrusted.json().error.code).toBe('CONNECTION_TLS');
    const list = (await call('GET', '/api/v1/clusters')).json() as ClusterList;
    expect(list.items.map((c) => c.name)).toEqual(['prod']);
    expect(events.length).toBe(before);
  });

  it('stores anyway with ?skipTest=true, health unknown', async () => {
    const res = await call('POST', '/api/v1/clusters?skipTest=true', { name: 'later', kubeconfig: kubeconfigFor('https://no-such-host.invalid:6443') });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: 'later', version: null, health: { status: 'unknown', checkedAt: null } });
    const test = await call('POST', `/api/v1/clusters/${res.json().id}/test`);
    expect(test.json()).toMatchObject({ ok: false, error: { code: 'DNS' } });
    const after = await call('GET', `/api/v1/clusters/${res.json().id}`);
    expect(after.json().health).toMatchObject({ status: 'error', lastError: expect.stringContaining('does not resolve') });
  });

  it('reports kubeconfig problems on the field', async () => {
    const res = await call('POST', '/api/v1/clusters', { name: 'bad', kubeconfig: kubeconfig().replace('token:', 'tokenFile:') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'INVALID_KUBECONFIG', field: 'kubeconfig' });
    const ctx = await call('POST', '/api/v1/clusters', { name: 'bad', kubeconfig: kubeconfig(), context: 'nope' });
    expect(ctx.json().error).toMatchObject({ code: 'INVALID_KUBECONFIG', field: 'context' });
  });

  it('validates the name and refuses duplicates', async () => {
    const bad = await call('POST', '/api/v1/clusters?skipTest=true', { name: 'Not_A_Label', kubeconfig: kubeconfig() });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'name' });
    const dup = await call('POST', '/api/v1/clusters?skipTest=true', { name: 'prod', kubeconfig: kubeconfig() });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'NAME_TAKEN', field: 'name' });
  });

  it('updates name and kubeconfig, bumping the version and invalidating the cache', async () => {
    const res = await call('PATCH', `/api/v1/clusters/${created.id}`, { name: 'production', kubeconfig: kubeconfig() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'production', health: { status: 'ok' } });
    expect(events.at(-1)).toEqual({ id: created.id, action: 'updated', version: 2 });
    expect((await t.app.clusterConnections.get(created.id)).version).toBe(2);
    const failing = await call('PATCH', `/api/v1/clusters/${created.id}`, { kubeconfig: kubeconfigFor(apiserver.url, { caPem: apiserver.caPem, token: 'bad' }) });
    expect(failing.statusCode).toBe(422);
    expect((await t.app.clusterConnections.get(created.id)).credentials.token).toBe(GOOD_TOKEN);
  });

  it('reload() notices a row changed elsewhere and a row removed', async () => {
    const reloaded: unknown[] = [];
    t.app.clusterEvents.on('reloaded', (e) => reloaded.push(e));
    await t.app.clusterRegistry.store.update(created.id, { description: 'edited by a sibling' });
    expect(await t.app.clusterConnections.reload(created.id)).toBe(3);
    expect(reloaded).toEqual([{ id: created.id, version: 3 }]);
    expect(await t.app.clusterConnections.reload(created.id)).toBe(3);
    expect(reloaded).toHaveLength(1);
  });

  it('rejects PATCH with no field, unknown fields, and unknown ids', async () => {
    expect((await call('PATCH', `/api/v1/clusters/${created.id}`, {})).statusCode).toBe(400);
    const extra = await call('PATCH', `/api/v1/clusters/${created.id}`, { colour: 'red' });
    expect(extra.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'colour' });
    const missing = await call('GET', '/api/v1/clusters/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    expect((await call('GET', '/api/v1/clusters/not-a-uuid')).statusCode).toBe(400);
  });

  it('deletes', async () => {
    const res = await call('DELETE', `/api/v1/clusters/${created.id}`);
    expect(res.statusCode).toBe(204);
    expect(events.at(-1)).toMatchObject({ id: created.id, action: 'deleted' });
    expect((await call('GET', `/api/v1/clusters/${created.id}`)).statusCode).toBe(404);
    await expect(t.app.clusterConnections.get(created.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await call('DELETE', `/api/v1/clusters/${created.id}`)).statusCode).toBe(404);
  });

  it('runs the periodic health check over every cluster', async () => {
    const res = await call('POST', '/api/v1/clusters?skipTest=true', { name: 'checked', kubeconfig: kubeconfig() });
    expect(res.json().health.status).toBe('unknown');
    await t.app.clusterHealth.checkAll();
    const after = (await call('GET', `/api/v1/clusters/${res.json().id}`)).json() as Cluster;
    expect(after).toMatchObject({ version: 'v1.31.2-fake', health: { status: 'ok', lastError: null } });
    expect(after.health.checkedAt).not.toBeNull();
  });
});
