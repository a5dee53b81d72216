import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { createConsoleApp } from './create-console-app';
import { memoryStorage } from '#/stores/key-value-storage';
import { useSessionStore } from '#/stores/session';
import { WATCH_HUB } from '#/api/watch-hub-context';
import type { WatchHub } from '#/api/watch-hub';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

// Mounting loads the whole app (ant-design-vue included), which takes seconds on a busy machine.
describe('createConsoleApp', { timeout: 60_000 }, () => {
  it('mounts to the login page, signs in, and unmounts leaving nothing behind', async () => {
    const requests: string[] = [];
    const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      requests.push(`${init?.method ?? 'GET'} ${url}`);
      if (url.endsWith('/config.json')) return json(200, { apiBase: '/k8s-api' });
      if (url.endsWith('/v1/auth/login')) {
        return json(200, { accessToken: 'a1', tokenType: 'Bearer', expiresIn: 60, user: { id: '1', username: 'ada', groups: [] } });
      }
      if (url.endsWith('/v1/clusters')) return json(200, { items: [] });
      return json(404, { error: { code: 'NOT_FOUND', message: 'no' } });
    }) as typeof fetch;

    const host = document.createElement('div');
    document.body.appendChild(host);
    const storage = memoryStorage();
    const instance = await createConsoleApp({ basePath: '/k8s/', history: 'memory', storage, fetch: fetchImpl, liveUpdates: false });
    expect(instance.api.baseUrl).toBe('/k8s-api');
    expect(requests[0]).toBe('GET /k8s/config.json');

    await instance.mount(host);
    expect(instance.router.currentRoute.value.name).toBe('login');
    expect(host.querySelector('[data-test="login-submit"]')).not.toBeNull();

    await useSessionStore(instance.pinia).login('ada', 'pw');
    expect(storage.getItem('k8s-console.session')).toContain('"a1"');
    await instance.router.push('/clusters');
    expect(instance.router.currentRoute.value.name).toBe('clusters');

    instance.unmount();
    expect(host.innerHTML).toBe('');
    host.remove();
  });

  it('takes the API base and a token from the host without fetching config.json', async () => {
    let fetched = 0;
    const instance = await createConsoleApp({
      apiBase: '/host-api/',
      token: 'from-host',
      history: 'memory',
      storage: memoryStorage(),
      liveUpdates: false,
      fetch: (async () => {
        fetched += 1;
        return json(200, { items: [] });
      }) as typeof fetch,
    });
    expect(fetched).toBe(0);
    expect(instance.api.baseUrl).toBe('/host-api');
    expect(useSessionStore(instance.pinia).accessToken).toBe('from-host');
    instance.unmount();
  });

  it("reconnects the watch hub when another user signs in or the user signs out, not on a token refresh", async () => {
    const instance = await createConsoleApp({
      apiBase: '/api',
      token: 'host-token',
      history: 'memory',
      storage: memoryStorage(),
      fetch: (async () => json(200, {})) as typeof fetch,
    });
    const hub = instance.app._context.provides[WATCH_HUB as symbol] as WatchHub;
    await nextTick();
    let reconnects = 0;
    const reconnect = hub.reconnect;
    hub.reconnect = () => {
      reconnects += 1;
      reconnect();
    };
    const session = useSessionStore(instance.pinia);
    const bob = { id: 'u2', username: 'bob', groups: [] };
    session.accept({ accessToken: 'b1', tokenType: 'Bearer', expiresIn: 60, user: bob });
    await nextTick();
    expect(reconnects).toBe(1);
    session.accept({ accessToken: 'b2', tokenType: 'Bearer', expiresIn: 60, user: bob });
    await nextTick();
    expect(reconnects).toBe(1);
    session.clear();
    await nextTick();
    expect(reconnects).toBe(2);
    instance.unmount();
  });
});
