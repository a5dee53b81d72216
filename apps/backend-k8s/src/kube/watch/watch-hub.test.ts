// The watch hub against kube-sim over real WebSockets: authentication before the upgrade,
// snapshot then deltas, rows, one upstream for many subscribers, a dropped upstream resuming
// without a relist, 410 Gone relisting with the difference sent as events, the grace period,
// RBAC per subscription, and a slow client being dropped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WATCH_PROTOCOL, type WatchEvent, type WatchRow, type WatchSnapshot, type KubeObject } from '@k8s-console/contracts';
import { startSimCluster, WatchClient, type SimCluster } from '../testing/sim-cluster.js';
import { allowAuthenticated } from '../../rbac/authorizer.js';

let nextId = 0;
const newId = () => `s${++nextId}`;

function snapshotItems(client: WatchClient, id: string): KubeObject[] {
  return client.of(id).filter((m): m is WatchSnapshot => m.type === 'snapshot').flatMap((m) => m.items ?? []);
}
function events(client: WatchClient, id: string): WatchEvent[] {
  return client.of(id).filter((m): m is WatchEvent => m.type === 'event');
}
function complete(client: WatchClient, id: string): boolean {
  return client.of(id).some((m) => m.type === 'snapshot' && m.complete);
}

describe('watch hub', () => {
  let c: SimCluster;
  const clients: WatchClient[] = [];
  const client = async () => {
    const w = new WatchClient(c.baseUrl, c.token);
    clients.push(w);
    await w.opened;
    return w;
  };
  const configmaps = (namespace: string, extra: Record<string, unknown> = {}) => ({
    type: 'subscribe',
    cluster: c.clusterId,
    group: '',
    version: 'v1',
    resource: 'configmaps',
    namespace,
    mode: 'objects',
    ...extra,
  });
  const createCm = (namespace: string, name: string, data: Record<string, string> = {}) =>
    c.sim.store.create('configmaps', { metadata: { name, namespace }, data });

  beforeAll(async () => {
    c = await startSimCluster({ seed: 'demo', watchWindow: 5 });
    c.t.app.watchHub.options.gracePeriodMs = 200;
    c.t.app.watchHub.options.minBackoffMs = 20;
    for (const ns of ['hub-a', 'hub-b', 'hub-c', 'hub-d', 'hub-e', 'hub-f']) c.sim.store.create('namespaces', { metadata: { name: ns } });
  });
  afterAll(async () => {
    for (const w of clients) w.ws.terminate();
    await c?.close();
  });

  it('refuses the upgrade without a token (HTTP 401, no socket)', async () => {
    const ws = new WebSocket(`${c.baseUrl.replace('http', 'ws')}/api/v1/ws`, [WATCH_PROTOCOL]);
    const status = await new Promise<number>((resolve) => {
      // the client leaves the refused connection open: the server must close it (or shutdown hangs)
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(401);
  });

  it('never echoes the token protocol', async () => {
    const w = await client();
    expect(w.ws.protocol).toBe(WATCH_PROTOCOL);
  });

  it('sends a snapshot, then ADDED / MODIFIED / DELETED without managedFields', async () => {
    createCm('hub-a', 'one', { v: '1' });
    const w = await client();
    const id = newId();
    w.send(configmaps('hub-a'));
    w.send({ ...configmaps('hub-a'), id });
    await expect.poll(() => complete(w, id)).toBe(true);
    expect(snapshotItems(w, id).map((o) => o.metadata.name)).toContain('one');

    createCm('hub-a', 'two');
    c.sim.store.patch('configmaps', 'hub-a', 'one', 'merge', { data: { v: '2' } });
    c.sim.store.delete('configmaps', 'hub-a', 'two');
    await expect.poll(() => events(w, id).map((e) => `${e.event}:${e.object?.metadata.name}`)).toEqual(['ADDED:two', 'MODIFIED:one', 'DELETED:two']);
    const modified = events(w, id)[1]!.object!;
    expect(modified).toMatchObject({ data: { v: '2' } });
    expect(modified.metadata).not.toHaveProperty('managedFields');
    // the first, malformed subscribe (no id) was answered with an error, not a dropped socket
    expect(w.messages.some((m) => m.type === 'error' && m.code === 'INVALID_MESSAGE')).toBe(true);
  });

  it('serves compact rows from the Table API', async () => {
    const w = await client();
    const id = newId();
    w.send({ type: 'subscribe', id, cluster: c.clusterId, group: '', version: 'v1', resource: 'pods', namespace: 'kube-system', mode: 'rows' });
    await expect.poll(() => complete(w, id)).toBe(true);
    const snap = w.of(id).find((m): m is WatchSnapshot => m.type === 'snapshot')!;
    expect(snap.columns!.map((col) => col.name)).toEqual(expect.arrayContaining(['Name', 'Ready', 'Status', 'Restarts', 'Age']));
    const row = snap.rows![0] as WatchRow;
    expect(row).toMatchObject({ uid: expect.any(String), name: expect.any(String), namespace: 'kube-system', resourceVersion: expect.any(String) });
    expect(row.cells).toHaveLength(snap.columns!.length);
    expect(JSON.stringify(row).length).toBeLessThan(600);

    // events are rows too (Table on watch), with the same columns
    c.sim.store.create('pods', { metadata: { name: 'row-event', namespace: 'kube-system' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await expect.poll(() => events(w, id).find((e) => e.row?.name === 'row-event')).toBeDefined();
    const added = events(w, id).find((e) => e.row?.name === 'row-event')!;
    expect(added.object).toBeUndefined();
    expect(added.row!.cells).toHaveLength(snap.columns!.length);
    expect(added.row!.cells[0]).toBe('row-event');
  });

  it('streams a big first list page by page, to early and late subscribers alike', async () => {
    c.sim.store.create('namespaces', { metadata: { name: 'hub-pages' } });
    for (let i = 0; i < 40; i++) createCm('hub-pages', `p-${i}`);
    c.t.app.watchHub.options.pageSize = 4;
    c.sim.faults.set({ latencyMs: 20 }); // slow pages, so the second subscriber joins mid-list
    try {
      const early = await client();
      const late = await client();
      early.send({ ...configmaps('hub-pages'), id: 'early' });
      await expect.poll(() => early.of('early').length).toBeGreaterThan(0);
      late.send({ ...configmaps('hub-pages'), id: 'late' });
      for (const [w, id] of [[early, 'early'], [late, 'late']] as const) {
        await expect.poll(() => complete(w, id)).toBe(true);
        const chunks = w.of(id).filter((m): m is WatchSnapshot => m.type === 'snapshot');
        expect(chunks.length).toBeGreaterThan(2);
        expect(chunks.slice(0, -1).every((m) => !m.complete && m.resourceVersion === '')).toBe(true);
        expect(chunks.at(-1)!.resourceVersion).not.toBe('');
        const names = snapshotItems(w, id).map((o) => o.metadata.name);
        expect(new Set(names).size).toBe(40);
        expect(names).toHaveLength(40);
      }
      createCm('hub-pages', 'after');
      await expect.poll(() => events(late, 'late').map((e) => e.object?.metadata.name)).toEqual(['after']);
    } finally {
      c.sim.faults.set({ latencyMs: 0 });
      c.t.app.watchHub.options.pageSize = undefined;
    }
  });

  it('serves 1000 subscribers from one upstream watch and delivers an event to all', async () => {
    const sockets = await Promise.all(Array.from({ length: 20 }, () => client()));
    const ids: [WatchClient, string][] = [];
    for (const w of sockets) {
      for (let i = 0; i < 50; i++) {
        const id = newId();
        ids.push([w, id]);
        w.send({ ...configmaps('hub-b'), id });
      }
    }
    await expect.poll(() => ids.every(([w, id]) => complete(w, id)), { timeout: 15_000 }).toBe(true);
    const target = { cluster: c.clusterId, group: '', version: 'v1', resource: 'configmaps', namespace: 'hub-b', mode: 'objects' as const };
    const upstream = c.t.app.watchHub.upstreamFor(target)!;
    expect(upstream.listCount).toBe(1);
    expect(upstream.watchCount).toBe(1);
    expect(c.sim.store.watcherCount('configmaps')).toBeGreaterThanOrEqual(1);

    createCm('hub-b', 'broadcast');
    await expect.poll(() => ids.every(([w, id]) => events(w, id).some((e) => e.object?.metadata.name === 'broadcast')), { timeout: 10_000 }).toBe(true);
    const metrics = await c.t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/k8s_console_watch_subscribers \d+/);
    expect(metrics.body).toMatch(/k8s_console_watch_events_sent_total \d+/);
    for (const w of sockets) w.close();
  });

  it('resumes from the last resourceVersion after a dropped upstream, without relisting', async () => {
    const w = await client();
    const id = newId();
    w.send({ ...configmaps('hub-c'), id });
    await expect.poll(() => complete(w, id)).toBe(true);
    const upstream = c.t.app.watchHub.upstreamFor({ cluster: c.clusterId, group: '', version: 'v1', resource: 'configmaps', namespace: 'hub-c', mode: 'objects' })!;
    const watchesBefore = upstream.watchCount;
    expect(c.sim.faults.dropWatchesNow({ reset: true })).toBeGreaterThan(0);
    await expect.poll(() => upstream.watchCount).toBeGreaterThan(watchesBefore);
    createCm('hub-c', 'after-drop');
    await expect.poll(() => events(w, id).map((e) => e.object?.metadata.name)).toContain('after-drop');
    expect(upstream.listCount).toBe(1);
  });

  it('relists on 410 Gone and sends subscribers the difference', async () => {
    createCm('hub-d', 'stays');
    createCm('hub-d', 'goes');
    const w = await client();
    const id = newId();
    w.send({ ...configmaps('hub-d'), id });
    await expect.poll(() => complete(w, id)).toBe(true);
    const upstream = c.t.app.watchHub.upstreamFor({ cluster: c.clusterId, group: '', version: 'v1', resource: 'configmaps', namespace: 'hub-d', mode: 'objects' })!;

    // The sim is unreachable while more changes happen than its watch window keeps, so the
    // hub's resourceVersion is too old when it comes back.
    c.sim.faults.set({ unreachable: true });
    c.sim.store.delete('configmaps', 'hub-d', 'goes');
    for (let i = 0; i < 12; i++) createCm('hub-d', `new-${i}`);
    c.sim.faults.set({ unreachable: false });
    await expect.poll(() => upstream.listCount, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => events(w, id).filter((e) => e.event === 'ADDED').length, { timeout: 10_000 }).toBe(12);
    expect(events(w, id).some((e) => e.event === 'DELETED' && e.object?.metadata.name === 'goes')).toBe(true);
    expect(events(w, id).some((e) => e.object?.metadata.name === 'stays')).toBe(false);
  });

  it('closes the upstream a grace period after the last subscriber leaves', async () => {
    const w = await client();
    const id = newId();
    w.send({ ...configmaps('hub-e'), id });
    await expect.poll(() => complete(w, id)).toBe(true);
    const target = { cluster: c.clusterId, group: '', version: 'v1', resource: 'configmaps', namespace: 'hub-e', mode: 'objects' as const };
    expect(c.t.app.watchHub.upstreamFor(target)).toBeDefined();
    w.send({ type: 'unsubscribe', id });
    await expect.poll(() => c.t.app.watchHub.upstreamFor(target)).toBeUndefined();
  });

  it('authorizes each subscription (list and watch) and reports a denial for that id only', async () => {
    const asked: string[] = [];
    c.t.app.authorizer = {
      ...allowAuthenticated,
      async authorizeResource(_s, attrs) {
        asked.push(`${attrs.verb} ${attrs.resource} ${attrs.namespace}`);
        return attrs.resource === 'secrets' ? { allowed: false, reason: 'secrets are not for you' } : { allowed: true };
      },
    };
    try {
      const w = await client();
      const denied = newId();
      const ok = newId();
      w.send({ type: 'subscribe', id: denied, cluster: c.clusterId, group: '', version: 'v1', resource: 'secrets', namespace: 'hub-a', mode: 'objects' });
      w.send({ ...configmaps('hub-a'), id: ok });
      await expect.poll(() => complete(w, ok)).toBe(true);
      await expect.poll(() => w.of(denied)).toEqual([{ type: 'error', id: denied, code: 'FORBIDDEN', message: 'secrets are not for you', fatal: true }]);
      expect(asked).toEqual(expect.arrayContaining(['list secrets hub-a', 'list configmaps hub-a', 'watch configmaps hub-a']));
    } finally {
      c.t.app.authorizer = allowAuthenticated;
    }
  });

  it('refuses a dot segment where a path needs a name, before asking anyone', async () => {
    const w = await client();
    const id = newId();
    w.send({ ...configmaps('hub-a'), id, resource: '..' });
    await expect.poll(() => w.of(id)[0]).toMatchObject({ type: 'error', code: 'INVALID_KUBERNETES_PATH', fatal: true });
    const ns = newId();
    w.send({ ...configmaps('..'), id: ns });
    await expect.poll(() => w.of(ns)[0]).toMatchObject({ type: 'error', code: 'INVALID_KUBERNETES_PATH', fatal: true });
  });

  it('does not let a late refusal end a newer subscription that reuses the id', async () => {
    let release: () => void = () => undefined;
    c.t.app.authorizer = {
      ...allowAuthenticated,
      async authorizeResource(_s, attrs) {
        if (attrs.namespace !== 'hub-b') return { allowed: true };
        await new Promise<void>((resolve) => (release = resolve)); // a slow decision, then no
        return { allowed: false, reason: 'not hub-b' };
      },
    };
    try {
      const w = await client();
      const id = newId();
      w.send({ ...configmaps('hub-b'), id });
      await new Promise((r) => setTimeout(r, 50));
      w.send({ type: 'unsubscribe', id });
      w.send({ ...configmaps('hub-a'), id });
      await expect.poll(() => complete(w, id)).toBe(true);
      release();
      await new Promise((r) => setTimeout(r, 100));
      expect(w.of(id).filter((m) => m.type === 'error')).toEqual([]);
    } finally {
      c.t.app.authorizer = allowAuthenticated;
    }
  });

  it('keeps the upstreams one user may start within a quota; joining an open one is free', async () => {
    const hub = c.t.app.watchHub;
    const adminId = ((await c.t.app.inject({ method: 'GET', url: '/api/v1/me', headers: c.t.auth })).json() as { id: string }).id;
    // earlier tests' lists are still open: three more than those
    hub.options.maxUpstreamsPerUser = hub.upstreamsStartedBy(adminId) + 3;
    try {
      const w = await client();
      const ids = [newId(), newId(), newId(), newId()];
      ids.forEach((id, i) => w.send({ ...configmaps('hub-c', { labelSelector: `quota-${i}=x` }), id }));
      await expect.poll(() => w.of(ids[3]!)[0]).toMatchObject({ type: 'error', code: 'TOO_MANY_WATCHES', fatal: true });
      for (const id of ids.slice(0, 3)) await expect.poll(() => complete(w, id)).toBe(true);
      // the same list as an open one shares it
      const joined = newId();
      w.send({ ...configmaps('hub-c', { labelSelector: 'quota-0=x' }), id: joined });
      await expect.poll(() => complete(w, joined)).toBe(true);
      // closed ones stop counting once their grace period is over
      for (const id of [ids[0]!, joined]) w.send({ type: 'unsubscribe', id });
      await new Promise((r) => setTimeout(r, 400));
      const later = newId();
      w.send({ ...configmaps('hub-c', { labelSelector: 'quota-9=x' }), id: later });
      await expect.poll(() => complete(w, later)).toBe(true);
    } finally {
      c.t.app.watchHub.options.maxUpstreamsPerUser = undefined;
    }
  });

  it('reports an unknown cluster as a fatal error for that subscription', async () => {
    const w = await client();
    const id = newId();
    w.send({ ...configmaps('hub-a'), id, cluster: '00000000-0000-4000-8000-000000000000' });
    await expect.poll(() => w.of(id)[0]).toMatchObject({ type: 'error', code: 'NOT_FOUND', fatal: true });
  });

  it('drops a client that stops reading instead of buffering without bound', async () => {
    for (let i = 0; i < 200; i++) createCm('hub-f', `big-${i}`, { blob: 'x'.repeat(2000) });
    c.t.app.watchHub.options.maxBufferedBytes = 64 * 1024;
    try {
      const w = await client();
      const id = newId();
      // stop reading: the server's socket buffer fills up
      (w.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      w.send({ ...configmaps('hub-f'), id });
      for (let round = 0; round < 40 && w.closeCode === undefined; round++) {
        for (let i = 0; i < 200; i++) c.sim.store.patch('configmaps', 'hub-f', `big-${i}`, 'merge', { data: { n: `${round}` } });
        await new Promise((r) => setTimeout(r, 50));
        const socket = (w.ws as unknown as { _socket: { destroyed: boolean } })._socket;
        if (socket.destroyed) break;
      }
      const metrics = await c.t.app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toMatch(/k8s_console_watch_slow_clients_dropped_total [1-9]/);
    } finally {
      c.t.app.watchHub.options.maxBufferedBytes = undefined;
    }
  });
  it('reconnects with new credentials when the cluster is updated, and ends subscriptions when it is removed', async () => {
    createCm('hub-a', 'before-update');
    const w = await client();
    const id = newId();
    w.send({ ...configmaps('hub-a'), id });
    await expect.poll(() => complete(w, id)).toBe(true);
    const upstream = c.t.app.watchHub.upstreamFor({ cluster: c.clusterId, group: '', version: 'v1', resource: 'configmaps', namespace: 'hub-a', mode: 'objects' })!;
    const watches = upstream.watchCount;
    const lists = upstream.listCount;

    const updated = await c.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/clusters/${c.clusterId}`,
      headers: c.t.auth,
      payload: { kubeconfig: c.sim.kubeconfig('renamed-context') },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    await expect.poll(() => upstream.watchCount).toBeGreaterThan(watches);
    createCm('hub-a', 'after-update');
    await expect.poll(() => events(w, id).map((e) => e.object?.metadata.name)).toContain('after-update');
    expect(upstream.listCount).toBe(lists);

    const removed = await c.t.app.inject({ method: 'DELETE', url: `/api/v1/clusters/${c.clusterId}`, headers: c.t.auth });
    expect(removed.statusCode).toBeLessThan(300);
    await expect.poll(() => w.of(id).find((m) => m.type === 'error')).toMatchObject({ code: 'CLUSTER_REMOVED', fatal: true });
    expect(c.t.app.watchHub.upstreamCount).toBe(0);
  });
});
