// The wire format, checked with raw HTTPS: auth, discovery, errors as Status, Table output, watch
// streaming (bookmarks, timeouts, 410), dryRun, status and scale subresources, faults.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type KubeSim } from '../../src/index.js';
import { simRequest, simWatch } from './sim-http.js';

const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const reference = (file: string): unknown => JSON.parse(readFileSync(new URL(`../../src/reference/${file}`, import.meta.url), 'utf8'));

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
  ...extra,
});

describe('kube-sim HTTP API', () => {
  let sim: KubeSim;

  beforeAll(async () => {
    sim = await startApiServer({ watchWindow: 5, bookmarkIntervalMs: 100 });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('serves HTTPS with a CA in the kubeconfig and refuses a missing or wrong token with a 401 Status', async () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.kubeconfig('demo')).toContain('certificate-authority-data:');
    expect(sim.kubeconfig('demo')).toContain('current-context: demo');
    const missing = await simRequest(sim, 'GET', '/api/v1/namespaces', { token: null });
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect((await simRequest(sim, 'GET', '/api/v1/namespaces', { token: 'wrong' })).status).toBe(401);
    expect((await simRequest(sim, 'GET', '/healthz', { token: 'wrong' })).status).toBe(401);
    expect((await simRequest(sim, 'GET', '/healthz', { token: null })).text).toBe('ok');
    expect((await simRequest(sim, 'GET', '/version')).json).toMatchObject({ major: '1', minor: '28', gitVersion: 'v1.28.0' });
  });

  it('answers discovery like a v1.28 apiserver, aggregated discovery included', async () => {
    expect((await simRequest(sim, 'GET', '/api')).json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await simRequest(sim, 'GET', '/apis')).json;
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((g: { name: string }) => g.name)).toEqual(expect.arrayContaining(['apps', 'batch', 'autoscaling', 'rbac.authorization.k8s.io', 'apiextensions.k8s.io']));
    const apps = (await simRequest(sim, 'GET', '/apis/apps/v1')).json;
    expect(apps).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1' });
    expect(apps.resources.find((r: { name: string }) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });

    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const aggregated = await simRequest(sim, 'GET', '/apis', { headers: { Accept: accept } });
    expect(aggregated.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    const refGroups = reference('builtin-discovery.json') as { group: string; versions: { version: string; resources: unknown[] }[] }[];
    for (const ref of refGroups.filter((g) => g.group !== '')) {
      const served = aggregated.json.items.find((i: { metadata: { name: string } }) => i.metadata.name === ref.group);
      expect(served.versions.map((v: { version: string }) => v.version), ref.group).toEqual(ref.versions.map((v) => v.version));
      ref.versions.forEach((v, i) => expect(served.versions[i].resources, `${ref.group}/${v.version}`).toEqual(v.resources));
    }
    // v1.28 has no v2 (1.30+): a client offering v2 first (kubectl 1.30+) gets v2beta1, v2 alone is 406
    const v2 = await simRequest(sim, 'GET', '/apis', { headers: { Accept: `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,${accept}` } });
    expect(v2.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    expect(v2.json.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    expect((await simRequest(sim, 'GET', '/apis', { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } })).status).toBe(406);
    const core = await simRequest(sim, 'GET', '/api', { headers: { Accept: accept } });
    expect(core.json.items[0].versions[0].resources.map((r: { resource: string }) => r.resource)).toContain('pods');
  });

  it('answers every group-version\'s APIResourceList as the real apiserver did, for each served resource', async () => {
    const dir = new URL('./fixtures/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.startsWith('discovery-'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    type Entry = { name: string; storageVersionHash?: string };
    for (const file of files) {
      const ref = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { path: string; body: { groupVersion: string; resources: Entry[] } };
      const served = (await simRequest(sim, 'GET', ref.path)).json as { groupVersion: string; kind: string; resources: Entry[] };
      expect(served.kind, ref.path).toBe('APIResourceList');
      expect(served.groupVersion).toBe(ref.body.groupVersion);
      const names = new Set(served.resources.map((r) => r.name.split('/')[0]));
      const strip = ({ storageVersionHash: _h, ...rest }: Entry) => rest;
      const expected = ref.body.resources.filter((r) => names.has(r.name.split('/')[0])).map(strip);
      expect(served.resources.map(strip), ref.path).toEqual(expected);
    }
  });

  it('returns errors as Status objects with reason, code and causes', async () => {
    const notFound = await simRequest(sim, 'GET', '/api/v1/namespaces/default/pods/nope');
    expect(notFound.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, details: { name: 'nope', kind: 'pods' } });
    const invalid = await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'Not_Valid' } } });
    expect(invalid.status).toBe(422);
    expect(invalid.json.details.causes[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'metadata.name' });
    const bad = await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: '{not json' });
    expect(bad.json).toMatchObject({ reason: 'BadRequest', code: 400 });
    expect((await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps/x', { body: {} })).json).toMatchObject({ reason: 'MethodNotAllowed', code: 405 });
    expect((await simRequest(sim, 'GET', '/apis/nope.example.com/v1/things')).status).toBe(404);
    const created = await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'stale' } } });
    await simRequest(sim, 'PUT', '/api/v1/namespaces/default/configmaps/stale', { body: { ...created.json, data: { a: '1' } } });
    const conflict = await simRequest(sim, 'PUT', '/api/v1/namespaces/default/configmaps/stale', { body: { ...created.json, data: { a: '2' } } });
    expect(conflict.json).toMatchObject({ reason: 'Conflict', code: 409 });
    const patchType = await simRequest(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/stale', { body: {}, headers: { 'Content-Type': 'text/plain' } });
    expect(patchType.status).toBe(415);
  });

  it('prints Tables with the columns kubectl shows, honouring includeObject and the JSON fallback', async () => {
    await simRequest(sim, 'POST', '/api/v1/namespaces/default/pods', { body: pod('table-pod') });
    sim.store.updateStatus('pods', 'default', 'table-pod', {
      phase: 'Running',
      podIP: '10.244.0.7',
      containerStatuses: [{ name: 'app', ready: true, restartCount: 2, state: { running: { startedAt: new Date().toISOString() } } }],
    });
    const table = (await simRequest(sim, 'GET', '/api/v1/namespaces/default/pods', { headers: { Accept: tableAccept } })).json;
    expect(table.kind).toBe('Table');
    const ref = (reference('table-columns.json') as Record<string, { name: string }[]>).pods!;
    expect(table.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(ref.map((c) => c.name));
    const row = table.rows.find((r: { cells: unknown[] }) => r.cells[0] === 'table-pod');
    expect(row.cells.slice(0, 4)).toEqual(['table-pod', '1/1', 'Running', '2']);
    expect(row.cells[5]).toBe('10.244.0.7');
    expect(row.object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'table-pod' } });
    const full = (await simRequest(sim, 'GET', '/api/v1/namespaces/default/pods/table-pod?includeObject=Object', { headers: { Accept: tableAccept } })).json;
    expect(full.rows[0].object.spec.containers[0].image).toBe('nginx:1.25');
    const none = (await simRequest(sim, 'GET', '/api/v1/namespaces/default/pods?includeObject=None', { headers: { Accept: tableAccept } })).json;
    expect(none.rows[0].object).toBeUndefined();
    const svc = (await simRequest(sim, 'GET', '/api/v1/namespaces', { headers: { Accept: tableAccept } })).json;
    expect(svc.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Status', 'Age']);
    const protobufOnly = await simRequest(sim, 'GET', '/api/v1/namespaces', { headers: { Accept: 'application/vnd.kubernetes.protobuf' } });
    expect(protobufOnly.status).toBe(406);
  });

  it('streams watch events with headers flushed at once, bookmarks, timeoutSeconds and resume', async () => {
    const start = (await simRequest(sim, 'GET', '/api/v1/namespaces/default/configmaps')).json.metadata.resourceVersion;
    const w = simWatch(sim, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${start}&allowWatchBookmarks=true&timeoutSeconds=1`);
    const head = await w.headers;
    expect(head.status).toBe(200);
    await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'watched' } } });
    await simRequest(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/watched');
    await w.waitFor(3);
    expect(await w.ended).toBe('end');
    const types = w.events.map((e) => e.type);
    expect(types.filter((t) => t !== 'BOOKMARK')).toEqual(['ADDED', 'DELETED']);
    expect(types).toContain('BOOKMARK');
    const bookmark = w.events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: expect.any(String) } });

    const legacy = simWatch(sim, '/api/v1/watch/namespaces/default/configmaps/stale?timeoutSeconds=1');
    const [first] = await legacy.waitFor(1);
    expect(first).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'stale' } } });
    await legacy.ended;
  });

  it('answers a watch from a too-old resourceVersion with a 410 ERROR event', async () => {
    const old = (await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'churn' } } })).json.metadata.resourceVersion;
    for (let i = 0; i < 15; i++) {
      await simRequest(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/churn', { body: { data: { i: String(i) } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
    }
    const w = simWatch(sim, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${old}`);
    const [event] = await w.waitFor(1);
    expect(event).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
    expect(await w.ended).toBe('end');
  });

  it('watches as Table rows for kubectl get -w', async () => {
    const w = simWatch(sim, '/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=1', { headers: { Accept: tableAccept } });
    const [first] = await w.waitFor(1);
    expect(first.type).toBe('ADDED');
    expect(first.object.kind).toBe('Table');
    expect(first.object.columnDefinitions.length).toBeGreaterThan(0);
    expect(first.object.rows[0].cells[0]).toBe('table-pod');
    await w.ended;
  });

  it('does not persist anything under dryRun=All', async () => {
    const created = await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { body: { metadata: { name: 'dry' } } });
    expect(created.status).toBe(201);
    expect(created.json.metadata.name).toBe('dry');
    expect(sim.store.get('configmaps', 'default', 'dry')).toBeUndefined();
    const patched = await simRequest(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/stale?dryRun=All', { body: { data: { dry: 'yes' } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(patched.json.data.dry).toBe('yes');
    expect(sim.store.get('configmaps', 'default', 'stale')?.data?.dry).toBeUndefined();
    await simRequest(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/stale?dryRun=All');
    expect(sim.store.get('configmaps', 'default', 'stale')).toBeDefined();
  });

  it('keeps status and spec apart through the status subresource, and scales through scale', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      status: { replicas: 99 },
    };
    const created = (await simRequest(sim, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment })).json;
    expect(created.status).toBeUndefined();
    const withStatus = await simRequest(sim, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web/status', {
      body: { ...created, spec: { ...created.spec, replicas: 7 }, status: { replicas: 2, readyReplicas: 1 } },
    });
    expect(withStatus.json.status).toEqual({ replicas: 2, readyReplicas: 1 });
    expect(withStatus.json.spec.replicas).toBe(2);
    const mainPut = await simRequest(sim, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web', { body: { ...withStatus.json, status: {} } });
    expect(mainPut.json.status).toEqual({ replicas: 2, readyReplicas: 1 });

    const scale = (await simRequest(sim, 'GET', '/apis/apps/v1/namespaces/default/deployments/web/scale')).json;
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=web' } });
    const scaled = await simRequest(sim, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', {
      body: { spec: { replicas: 5 } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(scaled.json.spec.replicas).toBe(5);
    expect(sim.store.get('deployments.apps', 'default', 'web')?.spec.replicas).toBe(5);
    expect(sim.store.get('deployments.apps', 'default', 'web')?.metadata?.generation).toBe(2);
  });

  it('injects latency, errors, dropped watches and unreachability', async () => {
    sim.faults.set({ errorRate: 1 });
    expect((await simRequest(sim, 'GET', '/api/v1/namespaces')).json).toMatchObject({ code: 500, reason: 'InternalError' });
    sim.faults.set({ errorRate: 0, latencyMs: 150 });
    expect((await simRequest(sim, 'GET', '/api/v1/namespaces')).status).toBe(200);
    sim.faults.clear();

    const w = simWatch(sim, '/api/v1/namespaces/default/configmaps?watch=1');
    await w.headers;
    expect(sim.faults.dropWatchesNow()).toBeGreaterThanOrEqual(1);
    expect(await w.ended).toBe('end');

    sim.faults.set({ unreachable: true });
    await expect(simRequest(sim, 'GET', '/api/v1/namespaces')).rejects.toThrow();
    sim.faults.set({ unreachable: false });
    expect((await simRequest(sim, 'GET', '/api/v1/namespaces')).status).toBe(200);
  });
});
