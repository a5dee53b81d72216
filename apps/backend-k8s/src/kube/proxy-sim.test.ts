// The proxy against kube-sim: reads, Tables, writes with every patch type, apiserver errors
// passed through with their code, and a watch streamed live through the proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from './testing/sim-cluster.js';

describe('proxy to kube-sim', () => {
  let c: SimCluster;
  beforeAll(async () => {
    c = await startSimCluster({ seed: 'demo' });
  });
  afterAll(async () => {
    await c?.close();
  });

  const url = (path: string) => `${c.baseUrl}/api/v1/clusters/${c.clusterId}/k8s${path}`;
  const headers = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${c.token}`, ...extra });

  it('lists with paging and the query passed through', async () => {
    const res = await fetch(url('/api/v1/pods?limit=2'), { headers: headers() });
    expect(res.status).toBe(200);
    const list = (await res.json()) as { kind: string; items: unknown[]; metadata: { continue?: string } };
    expect(list.kind).toBe('PodList');
    expect(list.items).toHaveLength(2);
    expect(list.metadata.continue).toBeTruthy();
  });

  it('passes Accept through, so Tables come back', async () => {
    const res = await fetch(url('/api/v1/namespaces/kube-system/pods'), {
      headers: headers({ accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' }),
    });
    const table = (await res.json()) as { kind: string; columnDefinitions: { name: string }[] };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((d) => d.name)).toContain('Restarts');
  });

  it('returns the apiserver Status for a missing object with its code', async () => {
    const res = await fetch(url('/api/v1/namespaces/default/configmaps/absent'), { headers: headers() });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  });

  it('streams a request body upstream and passes 409 AlreadyExists back', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'proxied' }, data: { a: '1' } });
    const create = () =>
      fetch(url('/api/v1/namespaces/default/configmaps'), { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body });
    expect((await create()).status).toBe(201);
    const again = await create();
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ kind: 'Status', reason: 'AlreadyExists' });
  });

  it('passes every patch content type', async () => {
    const patch = async (contentType: string, body: unknown, query = '') => {
      const res = await fetch(url(`/api/v1/namespaces/default/configmaps/proxied${query}`), {
        method: 'PATCH',
        headers: headers({ 'content-type': contentType }),
        body: JSON.stringify(body),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as { data: Record<string, string> };
    };
    expect((await patch('application/merge-patch+json', { data: { b: '2' } })).data).toEqual({ a: '1', b: '2' });
    expect((await patch('application/strategic-merge-patch+json', { data: { c: '3' } })).data).toMatchObject({ c: '3' });
    expect((await patch('application/json-patch+json', [{ op: 'remove', path: '/data/a' }])).data).not.toHaveProperty('a');
    const applied = await patch(
      'application/apply-patch+yaml',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'proxied' }, data: { d: '4' } },
      '?fieldManager=test',
    );
    expect(applied.data).toMatchObject({ d: '4' });
  });

  it('streams a watch: headers at once, events as they happen', async () => {
    const list = (await (await fetch(url('/api/v1/namespaces/default/configmaps'), { headers: headers() })).json()) as {
      metadata: { resourceVersion: string };
    };
    const controller = new AbortController();
    const res = await fetch(url(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${list.metadata.resourceVersion}`), {
      headers: headers(),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    c.sim.store.create('configmaps', { metadata: { name: 'watched', namespace: 'default' }, data: {} });
    let text = '';
    while (!text.includes('\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const event = JSON.parse(text.split('\n')[0]!) as { type: string; object: { metadata: { name: string } } };
    expect(event).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'watched' } } });
    controller.abort();
  });

  it('strips the console token: the sim sees its own credentials', async () => {
    // The console token is not the sim's; if it were forwarded the sim would answer 401.
    const res = await fetch(url('/version'), { headers: headers() });
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty('gitVersion');
  });

  it('counts every proxied request once in the request-duration metric, a watch the client closed too', async () => {
    const count = async (status: string) => {
      const metrics = await c.t.app.inject({ method: 'GET', url: '/metrics' });
      const line = new RegExp(`k8s_console_http_request_duration_seconds_count\\{method="GET",route="/api/v1/clusters/:id/k8s/\\*",status_code="${status}"\\} (\\d+)`).exec(metrics.body);
      return Number(line?.[1] ?? 0);
    };
    const before = { ok: await count('200'), missing: await count('404') };
    for (let i = 0; i < 3; i++) await fetch(url('/version'), { headers: headers() }).then((r) => r.text());
    await fetch(url('/api/v1/namespaces/default/configmaps/absent'), { headers: headers() }).then((r) => r.text());
    const controller = new AbortController();
    const watch = await fetch(url('/api/v1/namespaces/default/configmaps?watch=1'), { headers: headers(), signal: controller.signal });
    expect(watch.status).toBe(200);
    controller.abort();
    await expect.poll(() => count('200')).toBe(before.ok + 4);
    expect(await count('404')).toBe(before.missing + 1);
    // nothing counted late
    await new Promise((r) => setTimeout(r, 100));
    expect(await count('200')).toBe(before.ok + 4);
  });
});
