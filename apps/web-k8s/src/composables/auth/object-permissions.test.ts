// Actions on an object are offered only once the server said they are allowed: a viewer must not
// see Delete or Terminal flash by while the check is on its way.
import { describe, expect, it } from 'vitest';
import { createApp, nextTick, ref } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import { createApiClient } from '#/api/client';
import { API_CLIENT } from '#/api/context';
import { useObjectPermissions, type ObjectTarget } from './object-permissions';

function setup(answer: (body: { checks: unknown[] }) => boolean[]) {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const app = createApp({ render: () => null });
  app.provide(
    API_CLIENT,
    createApiClient({
      baseUrl: '/api',
      tokens: { getAccessToken: () => 't' },
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        const body = JSON.parse(String(init?.body)) as { checks: unknown[] };
        await gate;
        const checks = answer(body).map((allowed, i) => ({ check: body.checks[i], allowed }));
        return new Response(JSON.stringify({ cluster: 'c1', rules: [], roles: [], console: {}, checks }), { status: 200, headers: { 'content-type': 'application/json' } });
      }) as typeof fetch,
    }),
  );
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
  return { app, release };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
  await nextTick();
};

describe('useObjectPermissions', () => {
  it('offers nothing until the server answers, then what it allows', async () => {
    const { app, release } = setup(() => [false, false, false, false, true]); // a viewer: logs only
    const target = ref<ObjectTarget>({ cluster: 'c1', group: '', resource: 'pods', namespace: 'shop', name: 'web-1' });
    const allowed = app.runWithContext(() => useObjectPermissions(target));
    await flush();
    expect({ ...allowed }).toEqual({ edit: false, delete: false, scale: false, restart: false, exec: false, logs: false });
    release();
    await flush();
    expect({ ...allowed }).toEqual({ edit: false, delete: false, scale: false, restart: false, exec: false, logs: true });
  });

  it('shows everything when the server cannot answer (it enforces anyway)', async () => {
    const { app, release } = setup(() => {
      throw new Error('no answer');
    });
    const target = ref<ObjectTarget>({ cluster: 'c1', group: 'apps', resource: 'deployments', namespace: 'shop', name: 'web' });
    const allowed = app.runWithContext(() => useObjectPermissions(target));
    release();
    await flush();
    expect(allowed.delete).toBe(true);
  });
});
