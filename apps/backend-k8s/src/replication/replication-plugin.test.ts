// The replication plugin inside real apps: the signed reload endpoint, the reconciler, and two
// apps on one PostgreSQL database that converge by broadcast alone and by NOTIFY alone.
import { freePorts, freshPostgresDatabase, waitUntil } from '@k8s-console/test-support';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';
import { parseKeyRingSpec } from '../config/key-ring-spec.js';
import { reloadPath } from './broadcaster.js';
import { signRequest } from './signing.js';
import { kubeconfigFor } from './test-kubeconfig.js';

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function createCluster(t: TestApp, name: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/clusters?skipTest=true',
    headers: t.auth,
    payload: { name, kubeconfig: kubeconfigFor('https://127.0.0.1:9') },
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

/** A sibling's change: the row moves on without this app's registry (so without its events). */
async function changeBehindItsBack(t: TestApp, id: string): Promise<number> {
  const row = await t.app.clusterRegistry.store.update(id, { description: `changed ${Date.now()}` });
  return row.version;
}

function cachedVersion(t: TestApp, id: string): number | undefined {
  return t.app.clusterConnections.cached().find((c) => c.id === id)?.version;
}

function signedReload(t: TestApp, id: string, body: object, secret = t.config.internalSecret, now?: number) {
  const payload = JSON.stringify(body);
  const path = reloadPath(id);
  return { method: 'POST' as const, url: path, payload, headers: { 'content-type': 'application/json', ...signRequest(secret, 'POST', path, payload, now) } };
}

async function metricValue(t: TestApp, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await t.app.metricsRegistry.getSingleMetric(name)!.get();
  return metric.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value ?? 0;
}

describe('internal reload endpoint', () => {
  it('reloads the cluster for a signed request, without a user token', async () => {
    const t = await buildTestApp();
    apps.push(t);
    const id = await createCluster(t, 'alpha');
    await t.app.clusterConnections.get(id);
    const newVersion = await changeBehindItsBack(t, id);
    expect(cachedVersion(t, id)).toBe(newVersion - 1);

    const res = await t.app.inject(signedReload(t, id, { action: 'updated', version: newVersion, origin: 'sibling-1' }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ id, version: newVersion });
    expect(cachedVersion(t, id)).toBe(newVersion);
    expect(await metricValue(t, 'k8s_console_reloads_received_total', { source: 'broadcast' })).toBe(1);
    expect(t.logs.some((l) => l.includes("reloaded a cluster on a sibling's request") && l.includes('sibling-1'))).toBe(true);
  });

  it('answers version null and drops the cache for a cluster that is gone', async () => {
    const t = await buildTestApp();
    apps.push(t);
    const id = await createCluster(t, 'beta');
    await t.app.clusterConnections.get(id);
    await t.app.clusterRegistry.store.remove(id);
    const res = await t.app.inject(signedReload(t, id, { action: 'deleted' }));
    expect(res.json()).toEqual({ id, version: null });
    expect(cachedVersion(t, id)).toBeUndefined();
  });

  it('refuses unsigned, wrongly signed, stale and replayed requests', async () => {
    const t = await buildTestApp();
    apps.push(t);
    const id = await createCluster(t, 'gamma');
    const body = { action: 'updated' };

    const unsigned = await t.app.inject({ method: 'POST', url: reloadPath(id), payload: body });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json()).toMatchObject({ error: { code: 'SIGNATURE_REQUIRED' } });

    // a user's valid JWT is no substitute for the signature
    const withJwt = await t.app.inject({ method: 'POST', url: reloadPath(id), payload: body, headers: t.auth });
    expect(withJwt.statusCode).toBe(401);

    const wrongSecret = await t.app.inject(signedReload(t, id, body, 'x'.repeat(64)));
    expect(wrongSecret.statusCode).toBe(403);
    expect(wrongSecret.json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });

    const stale = await t.app.inject(signedReload(t, id, body, t.config.internalSecret, Date.now() - 60_000));
    expect(stale.json()).toMatchObject({ error: { code: 'SIGNATURE_STALE' } });

    const request = signedReload(t, id, body);
    expect((await t.app.inject(request)).statusCode).toBe(200);
    const replay = await t.app.inject(request);
    expect(replay.statusCode).toBe(403);
    expect(replay.json()).toMatchObject({ error: { code: 'SIGNATURE_REPLAYED' } });

    // a tampered body no longer matches the signature
    const tampered = { ...signedReload(t, id, body), payload: JSON.stringify({ action: 'deleted' }) };
    expect((await t.app.inject(tampered)).json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });

    // a signed but invalid body is a 400 naming the field
    const invalid = await t.app.inject(signedReload(t, id, { action: 'exploded' }));
    expect(invalid.statusCode).toBe(400);
    expect(await metricValue(t, 'k8s_console_reloads_received_total', { source: 'broadcast' })).toBe(1);
    expect(t.logs.filter((l) => l.includes('refused an internal request'))).toHaveLength(6);
  });
});

describe('INTERNAL_PORT', () => {
  it('serves the internal API only on its own port, and only that there', async () => {
    const [internalPort] = await freePorts(1);
    const t = await buildTestApp({ internalPort });
    apps.push(t);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const mainPort = (t.app.server.address() as { port: number }).port;
    const id = await createCluster(t, 'delta');

    const send = (port: number, r: ReturnType<typeof signedReload>) =>
      fetch(`http://127.0.0.1:${port}${r.url}`, { method: 'POST', headers: r.headers, body: r.payload });
    const onMain = await send(mainPort, signedReload(t, id, { action: 'updated' }));
    expect(onMain.status).toBe(404);
    const onInternal = await send(internalPort!, signedReload(t, id, { action: 'updated' }));
    expect(onInternal.status).toBe(200);
    expect(await onInternal.json()).toMatchObject({ id });

    for (const path of ['/api/v1/clusters', '/health/live', '/metrics', '/api/v1/internalx']) {
      expect((await fetch(`http://127.0.0.1:${internalPort}${path}`, { headers: t.auth })).status, path).toBe(404);
    }
    expect((await fetch(`http://127.0.0.1:${mainPort}/api/v1/clusters`, { headers: t.auth })).status).toBe(200);
  });
});

describe('reconciler', () => {
  it('reloads cached clusters whose row moved on or disappeared', async () => {
    const t = await buildTestApp();
    apps.push(t);
    const changed = await createCluster(t, 'changed');
    const removed = await createCluster(t, 'removed');
    const same = await createCluster(t, 'same');
    for (const id of [changed, removed, same]) await t.app.clusterConnections.get(id);
    const v = await changeBehindItsBack(t, changed);
    await t.app.clusterRegistry.store.remove(removed);

    const result = await t.app.replication.reconciler.reconcile();
    expect(result.checked).toBe(3);
    expect(result.reloaded.sort()).toEqual([changed, removed].sort());
    expect(cachedVersion(t, changed)).toBe(v);
    expect(cachedVersion(t, removed)).toBeUndefined();
    expect(await metricValue(t, 'k8s_console_reloads_received_total', { source: 'reconcile' })).toBe(2);
    expect((await t.app.replication.reconciler.reconcile()).reloaded).toEqual([]);
  });
});

const pg = await freshPostgresDatabase();

describe.runIf(pg.available)('two apps on one PostgreSQL database', () => {
  afterAll(async () => pg.drop());
  const secret = 'shared-internal-secret-for-replication-tests';
  // both replicas must unseal what the other sealed
  const keys = parseKeyRingSpec(`k1:${Buffer.alloc(32, 7).toString('base64')}`);

  async function pair(settings: { broadcast: boolean; notify: boolean; reconcileMs?: number }) {
    const ports = await freePorts(2);
    const addresses = ports.map((p) => `127.0.0.1:${p}`);
    const built: TestApp[] = [];
    for (const port of ports) {
      const t = await buildTestApp({
        databaseUrl: pg.url,
        internalSecret: secret,
        port,
        instanceAddresses: addresses,
        kubeconfigKeys: keys,
        replicationBroadcast: settings.broadcast,
        replicationNotify: settings.notify,
        ...(settings.reconcileMs ? { reconcileIntervalMs: settings.reconcileMs } : {}),
      });
      apps.push(t);
      await t.app.listen({ host: '127.0.0.1', port });
      built.push(t);
    }
    // the listener connects in the background: wait until both listen before changing anything
    if (settings.notify) await waitUntil('both listen', () => built.every((t) => t.app.replication.listener?.connected));
    return built as [TestApp, TestApp];
  }

  for (const mode of [
    { broadcast: true, notify: false, name: 'broadcast only' },
    { broadcast: false, notify: true, name: 'NOTIFY only' },
    { broadcast: false, notify: false, reconcileMs: 200, name: 'reconcile only' },
  ]) {
    it(`a change on one reaches the other's cache (${mode.name})`, async () => {
      const [a, b] = await pair(mode);
      const id = await createCluster(a, `c-${mode.broadcast ? 'b' : 'n'}`);
      await b.app.clusterConnections.get(id);
      const res = await a.app.inject({ method: 'PATCH', url: `/api/v1/clusters/${id}?skipTest=true`, headers: a.auth, payload: { description: 'moved' } });
      expect(res.statusCode).toBe(200);
      const version = (await a.app.clusterRegistry.store.get(id)).version;
      await waitUntil('b caches the new version', () => cachedVersion(b, id) === version);
      const source = mode.broadcast ? 'broadcast' : mode.notify ? 'notify' : 'reconcile';
      expect(await metricValue(b, 'k8s_console_reloads_received_total', { source })).toBeGreaterThan(0);

      const del = await a.app.inject({ method: 'DELETE', url: `/api/v1/clusters/${id}`, headers: a.auth });
      expect(del.statusCode).toBe(204);
      await waitUntil('b drops it', () => cachedVersion(b, id) === undefined);
    });
  }

  it('a change to roles, bindings or a user on one drops the cached rules and ends sessions on the other (NOTIFY)', async () => {
    const [a, b] = await pair({ broadcast: false, notify: true });
    const created = await a.app.inject({ method: 'POST', url: '/api/v1/users', headers: a.auth, payload: { username: 'nina', password: 'Tr0ub4dor&3-horse', roles: ['viewer'] } });
    expect(created.statusCode, created.body).toBe(201);
    const subject = { userId: created.json().id as string, username: 'nina', groups: [] };
    const attrs = { clusterId: 'any', verb: 'list', apiGroup: '', resource: 'pods', namespace: 'default' };
    // b holds nina's rules in its cache (5 s) from this decision on
    expect((await b.app.authorizer.authorizeResource(subject, attrs)).allowed).toBe(true);
    const received = () => metricValue(b, 'k8s_console_access_changes_received_total', {});
    const before = await received();

    const bindings = await a.app.inject({ method: 'GET', url: '/api/v1/rolebindings?subjectKind=user&subjectName=nina', headers: a.auth });
    const bindingId = (bindings.json().items as { id: string }[])[0]!.id;
    expect((await a.app.inject({ method: 'DELETE', url: `/api/v1/rolebindings/${bindingId}`, headers: a.auth })).statusCode).toBe(204);
    await waitUntil('b is told', async () => (await received()) > before);
    // decided afresh, not from the cache that would still hold for seconds
    expect((await b.app.authorizer.authorizeResource(subject, attrs)).allowed).toBe(false);

    // disabling nina on a: b forgets the user row it keeps and reads her disabled
    expect((await b.app.users.findById(subject.userId))?.disabled).toBe(0);
    const beforeDisable = await received();
    expect((await a.app.inject({ method: 'PATCH', url: `/api/v1/users/${subject.userId}`, headers: a.auth, payload: { disabled: true } })).statusCode).toBe(200);
    await waitUntil('b is told again', async () => (await received()) > beforeDisable);
    expect((await b.app.users.findById(subject.userId))?.disabled).toBe(1);
    expect((await a.app.inject({ method: 'PATCH', url: `/api/v1/users/${subject.userId}`, headers: a.auth, payload: { disabled: false } })).statusCode).toBe(200);

    // a password reset on a ends nina's open sockets on b
    const ended: string[] = [];
    b.app.liveSessions.add({ subject, recheck: async () => undefined, end: (reason) => void ended.push(reason) });
    const reset = await a.app.inject({ method: 'PATCH', url: `/api/v1/users/${subject.userId}`, headers: a.auth, payload: { password: 'reset by the admin 42' } });
    expect(reset.statusCode).toBe(200);
    await waitUntil("nina's session on b ended", () => ended.length > 0);
    expect(ended[0]).toBe('your sessions were ended: sign in again');
  });
});
