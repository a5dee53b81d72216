import { describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import { createApiClient } from '#/api/client';
import { API_CLIENT } from '#/api/context';
import { CONSOLE_STORAGE, memoryStorage, type KeyValueStorage } from './key-value-storage';
import { useSessionStore } from './session';
import { useClustersStore } from './clusters';
import { preferredLocale, usePreferencesStore } from './preferences';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const me = { id: 'u1', username: 'admin', groups: [] };
const cluster = (id: string, name: string) => ({
  id,
  name,
  description: '',
  server: `https://${name}`,
  version: 'v1.31.0',
  health: { status: 'ok', checkedAt: null, lastError: null },
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  createdBy: 'admin',
});

/** A console API in memory: login, refresh (rotating), clusters. */
function fakeBackend() {
  let accessVersion = 0;
  const refreshTokens = new Set<string>();
  const clusters = new Map<string, ReturnType<typeof cluster>>();
  const calls: string[] = [];
  const issue = () => {
    accessVersion += 1;
    const refreshToken = `r${accessVersion}`;
    refreshTokens.add(refreshToken);
    return { accessToken: `a${accessVersion}`, tokenType: 'Bearer', expiresIn: 900, refreshToken, user: me };
  };
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(new URL(String(input), 'http://console.test'), init);
    const path = new URL(req.url).pathname;
    calls.push(`${req.method} ${path}`);
    if (path === '/api/v1/auth/login') {
      const body = await req.json();
      return body.password === 'right' ? json(200, issue()) : json(401, { error: { code: 'INVALID_CREDENTIALS', message: 'Wrong username or password' } });
    }
    if (path === '/api/v1/auth/refresh') {
      const { refreshToken } = await req.json();
      if (!refreshTokens.delete(refreshToken)) return json(401, { error: { code: 'INVALID_REFRESH_TOKEN', message: 'no' } });
      return json(200, issue());
    }
    if (path === '/api/v1/auth/logout') {
      const { refreshToken } = await req.json();
      refreshTokens.delete(refreshToken);
      return new Response(null, { status: 204 });
    }
    if (req.headers.get('authorization') !== `Bearer a${accessVersion}`) return json(401, { error: { code: 'UNAUTHENTICATED', message: 'expired' } });
    if (path === '/api/v1/clusters' && req.method === 'GET') return json(200, { items: [...clusters.values()] });
    if (path === '/api/v1/clusters' && req.method === 'POST') {
      const body = await req.json();
      if (clusters.has(body.name)) return json(409, { error: { code: 'CONFLICT', message: 'name taken', field: '/name' } });
      const c = cluster(body.name, body.name);
      clusters.set(c.id, c);
      return json(201, c);
    }
    const m = path.match(/^\/api\/v1\/clusters\/([^/]+)$/);
    if (m && req.method === 'DELETE') {
      clusters.delete(m[1]!);
      return new Response(null, { status: 204 });
    }
    return json(404, { error: { code: 'NOT_FOUND', message: 'no route' } });
  };
  return {
    fetch: fetchImpl as typeof fetch,
    calls,
    expireAccessToken: () => (accessVersion += 100),
    seed: (name: string) => clusters.set(name, cluster(name, name)),
  };
}

function setup(storage: KeyValueStorage = memoryStorage(), backend = fakeBackend()) {
  const app = createApp({ render: () => null });
  const pinia = createPinia();
  let expired = 0;
  const client = createApiClient({
    baseUrl: '/api',
    fetch: backend.fetch,
    tokens: {
      getAccessToken: () => useSessionStore(pinia).accessToken,
      refresh: () => useSessionStore(pinia).refresh(),
      onSessionExpired: () => {
        expired += 1;
        useSessionStore(pinia).clear();
      },
    },
  });
  app.provide(API_CLIENT, client);
  app.provide(CONSOLE_STORAGE, storage);
  app.use(pinia);
  setActivePinia(pinia);
  return { backend, pinia, storage, expiredCount: () => expired };
}

describe('session store', () => {
  it('logs in, persists the session and restores it in a new instance', async () => {
    const { storage } = setup();
    const session = useSessionStore();
    await expect(session.login('admin', 'wrong')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(session.isAuthenticated).toBe(false);
    await session.login('admin', 'right');
    expect(session.isAuthenticated).toBe(true);
    expect(session.user?.username).toBe('admin');

    setup(storage);
    const restored = useSessionStore();
    expect(restored.accessToken).toBe(session.accessToken);
    expect(restored.user).toEqual(me);
  });

  it('renews an expired access token with the rotating refresh token, transparently', async () => {
    const { backend } = setup();
    const session = useSessionStore();
    await session.login('admin', 'right');
    backend.seed('prod');
    backend.expireAccessToken();
    const clusters = useClustersStore();
    await clusters.load();
    expect(clusters.error).toBeNull();
    expect(clusters.items.map((c) => c.name)).toEqual(['prod']);
    expect(session.refreshToken).toMatch(/^r\d+$/);
    expect(session.refreshToken).not.toBe('r1'); // rotated
    expect(backend.calls).toEqual(['POST /api/v1/auth/login', 'GET /api/v1/clusters', 'POST /api/v1/auth/refresh', 'GET /api/v1/clusters']);
  });

  it('ends the session when the refresh token is refused', async () => {
    const { backend, expiredCount, storage } = setup();
    const session = useSessionStore();
    await session.login('admin', 'right');
    // a refresh token the server no longer takes, as stored (the tabs' shared copy)
    session.refreshToken = 'stolen-or-used';
    storage.setItem('k8s-console.session', JSON.stringify({ ...JSON.parse(storage.getItem('k8s-console.session')!), refreshToken: 'stolen-or-used' }));
    backend.expireAccessToken();
    const clusters = useClustersStore();
    await clusters.load();
    expect(clusters.error).toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(expiredCount()).toBe(1);
    expect(session.isAuthenticated).toBe(false);
  });
});

describe('session shared by tabs (one storage)', () => {
  it('a tab whose refresh token another tab rotated takes that session instead of reusing the spent token', async () => {
    const storage = memoryStorage();
    const a = setup(storage);
    const tabA = useSessionStore(a.pinia);
    await tabA.login('admin', 'right');
    const b = setup(storage, a.backend); // a second tab: same storage, same server
    const tabB = useSessionStore(b.pinia);
    expect(tabB.refreshToken).toBe(tabA.refreshToken);

    expect(await tabA.refresh()).toBe(tabA.accessToken); // rotates the shared refresh token
    const newToken = await tabB.refresh();
    expect(newToken).toBe(tabA.accessToken);
    expect(tabB.refreshToken).toBe(tabA.refreshToken);
    // one refresh reached the server: a second with the spent token would have ended the sign-in
    expect(a.backend.calls.filter((c) => c === 'POST /api/v1/auth/refresh')).toHaveLength(1);
  });

  it('a tab follows a sign-out in another tab instead of refreshing', async () => {
    const storage = memoryStorage();
    const a = setup(storage);
    const tabA = useSessionStore(a.pinia);
    await tabA.login('admin', 'right');
    const tabB = useSessionStore(setup(storage, a.backend).pinia);
    await tabA.logout();
    expect(await tabB.refresh()).toBeNull();
    expect(tabB.isAuthenticated).toBe(false);
    expect(a.backend.calls.filter((c) => c === 'POST /api/v1/auth/refresh')).toHaveLength(0);
  });

  it('runs one refresh at a time in a tab, however many requests ask', async () => {
    const a = setup();
    const tab = useSessionStore(a.pinia);
    await tab.login('admin', 'right');
    const tokens = await Promise.all([tab.refresh(), tab.refresh(), tab.refresh()]);
    expect(new Set(tokens).size).toBe(1);
    expect(a.backend.calls.filter((c) => c === 'POST /api/v1/auth/refresh')).toHaveLength(1);
  });
});

describe('session logout', () => {
  it('ends the sign-in on the server with its refresh token, then forgets everything', async () => {
    const { backend, storage } = setup();
    const session = useSessionStore();
    await session.login('admin', 'right');
    await session.logout();
    expect(backend.calls.at(-1)).toBe('POST /api/v1/auth/logout');
    expect(session.isAuthenticated).toBe(false);
    expect(storage.getItem('k8s-console.session')).toBeNull();
    // the refresh token no longer works
    session.refreshToken = 'r1';
    await expect(session.refresh()).resolves.toBeNull();
  });
});

describe('clusters store', () => {
  it('lists sorted by name, adds and removes', async () => {
    const { backend } = setup();
    await useSessionStore().login('admin', 'right');
    backend.seed('zeta');
    const clusters = useClustersStore();
    await clusters.load();
    await clusters.create({ name: 'alpha', kubeconfig: 'x' });
    expect(clusters.items.map((c) => c.name)).toEqual(['alpha', 'zeta']);
    await expect(clusters.create({ name: 'alpha', kubeconfig: 'x' })).rejects.toMatchObject({ code: 'CONFLICT', field: '/name' });
    await clusters.remove('zeta');
    expect(clusters.items.map((c) => c.name)).toEqual(['alpha']);
    expect(clusters.byId.get('alpha')?.server).toBe('https://alpha');
  });
});

describe('preferences store', () => {
  it('picks the browser language and remembers choices', async () => {
    expect(preferredLocale(['zh-TW', 'en'])).toBe('zh-CN');
    expect(preferredLocale(['fr', 'en-GB'])).toBe('en');
    expect(preferredLocale(['fr'])).toBe('en');
    const { storage } = setup();
    const prefs = usePreferencesStore();
    prefs.toggleTheme();
    prefs.locale = 'zh-CN';
    await Promise.resolve();
    setup(storage);
    const again = usePreferencesStore();
    expect(again.theme).toBe('dark');
    expect(again.locale).toBe('zh-CN');
  });
});
