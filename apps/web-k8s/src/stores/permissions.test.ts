import { describe, expect, it } from 'vitest';
import { createApp, nextTick } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import { createApiClient } from '#/api/client';
import { API_CLIENT } from '#/api/context';
import { usePermissionsStore } from './permissions';
import { useSessionStore } from './session';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function setup(handler: (req: Request) => Response | Promise<Response>) {
  const app = createApp({ render: () => null });
  const pinia = createPinia();
  const requests: unknown[] = [];
  app.provide(
    API_CLIENT,
    createApiClient({
      baseUrl: '/api',
      tokens: { getAccessToken: () => 't' },
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        const req = new Request(new URL(String(input), 'http://x'), init);
        if (req.method === 'POST') requests.push(await req.clone().json());
        return handler(req);
      }) as typeof fetch,
    }),
  );
  app.use(pinia);
  setActivePinia(pinia);
  return { requests, pinia };
}

const viewer = {
  cluster: null,
  rules: [],
  roles: ['viewer'],
  console: { clusters: { create: false, update: false, delete: false }, users: false, roles: false, rolebindings: false, audit: false },
  checks: [],
};

describe('permissions store', () => {
  it('hides what the server says the user may not do', async () => {
    const { requests } = setup((req) =>
      req.method === 'GET'
        ? json(200, viewer)
        : json(200, { ...viewer, checks: [{ check: {}, allowed: false }, { check: {}, allowed: true }] }),
    );
    const permissions = usePermissionsStore();
    expect(permissions.console.clusters.create).toBe(false); // nothing offered until it knows
    await permissions.loadConsole();
    expect(permissions.console.clusters.create).toBe(false);
    const checks = [
      { verb: 'delete', resource: 'pods', namespace: 'shop', name: 'p' },
      { verb: 'get', resource: 'pods/log', namespace: 'shop', name: 'p' },
    ];
    await expect(permissions.check('c1', checks)).resolves.toEqual([false, true]);
    expect(requests).toEqual([{ cluster: 'c1', checks }]);
  });

  it('shows everything when the server cannot answer (it still enforces)', async () => {
    setup(() => json(500, { error: { code: 'INTERNAL', message: 'boom' } }));
    const permissions = usePermissionsStore();
    await permissions.loadConsole();
    expect(permissions.console.clusters.delete).toBe(true);
    await expect(permissions.check('c1', [{ verb: 'patch', resource: 'deployments/scale', group: 'apps' }])).resolves.toEqual([true]);
  });

  it('forgets its answers when its own console signs in another user, whichever console is active', async () => {
    const admin = { ...viewer, roles: ['admin'], console: { clusters: { create: true, update: true, delete: true }, users: true, roles: true, rolebindings: true, audit: true } };
    const a = setup((req) => (req.method === 'GET' ? json(200, admin) : json(200, viewer)));
    const permissions = usePermissionsStore(a.pinia);
    await permissions.loadConsole();
    expect(permissions.console.users).toBe(true);
    const sessionA = useSessionStore(a.pinia);
    // a second console instance (another micro-app mount) becomes the active pinia
    const b = setup(() => json(200, viewer));
    useSessionStore(b.pinia);
    // what the end of A's token refresh does after its await, with no action of A's running
    sessionA.accessToken = 'someone-else';
    sessionA.user = { id: 'u2', username: 'bob', groups: [] };
    await nextTick();
    expect(permissions.console.users).toBe(false);
  });
});
