// The overview mounted in the whole console (ant-design-vue included), against a fake API.
import { describe, expect, it } from 'vitest';
import { createConsoleApp } from '#/app/create-console-app';
import { memoryStorage } from '#/stores/key-value-storage';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const forbidden = (what: string) => json(403, { kind: 'Status', reason: 'Forbidden', code: 403, message: `${what} is forbidden: User "ada" cannot list resource "${what}"` });

describe('cluster overview', { timeout: 60_000 }, () => {
  it('shows what the user may see when one of its lists is refused, and names the refusals', async () => {
    const fetchImpl = (async (input: RequestInfo | URL) => {
      const url = new URL(String(input), 'http://console');
      const path = url.pathname;
      if (path === '/api/v1/clusters') return json(200, { items: [{ id: 'c1', name: 'prod', server: 'https://prod:6443', health: { status: 'ok' } }] });
      if (path === '/api/v1/me/permissions') return json(200, { console: {}, checks: [] });
      if (path === '/api/v1/clusters/c1/k8s/version') return json(200, { gitVersion: 'v1.28.4' });
      if (path === '/api/v1/clusters/c1/k8s/api/v1/nodes') return forbidden('nodes');
      if (path === '/api/v1/clusters/c1/k8s/api/v1/namespaces') return json(200, { kind: 'NamespaceList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: 'shop' } }] });
      if (path === '/api/v1/clusters/c1/k8s/api/v1/events') return forbidden('events');
      if (path === '/api/v1/clusters/c1/k8s/api/v1/pods') return forbidden('pods');
      return json(200, { kind: 'List', apiVersion: 'v1', metadata: {}, items: [] });
    }) as typeof fetch;
    const host = document.createElement('div');
    document.body.appendChild(host);
    const instance = await createConsoleApp({ apiBase: '/api', token: 't', history: 'memory', storage: memoryStorage(), fetch: fetchImpl, liveUpdates: false });
    await instance.router.push('/clusters/c1');
    await instance.mount(host);
    const text = (test: string) => host.querySelector(`[data-test="${test}"]`)?.textContent?.trim();
    for (let i = 0; i < 50 && !text('overview-version')?.startsWith('v1'); i++) await wait(20);
    await wait(50);
    expect(text('overview-version')).toBe('v1.28.4');
    expect(text('overview-nodes')).toBe('—');
    expect(text('overview-error')).toContain('cannot list resource "nodes"');
    expect(text('overview-error')).toContain('cannot list resource "events"');
    // the pods card, fed by its own list, says why it has no count
    expect(text('overview-pods-error')).toContain('cannot list resource "pods"');
    instance.unmount();
    host.remove();
  });
});
