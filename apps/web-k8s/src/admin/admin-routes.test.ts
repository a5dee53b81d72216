import { describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import type { RouteLocationNormalized } from 'vue-router';
import type { PermissionsResponse } from '@k8s-console/contracts';
import { createApiClient } from '#/api/client';
import { API_CLIENT } from '#/api/context';
import { canAdminister, guardAdminRoute, type AdminArea } from './admin-routes';

type Console = PermissionsResponse['console'];
const NONE: Console = { clusters: { create: false, update: false, delete: false }, users: false, roles: false, rolebindings: false, audit: false };

function piniaAnswering(consolePermissions: Console | 'error'): Pinia {
  const app = createApp({ render: () => null });
  const pinia = createPinia();
  app.provide(
    API_CLIENT,
    createApiClient({
      baseUrl: '/api',
      tokens: { getAccessToken: () => 't' },
      fetch: (async () =>
        consolePermissions === 'error'
          ? new Response('{}', { status: 500, headers: { 'content-type': 'application/json' } })
          : new Response(JSON.stringify({ cluster: null, rules: [], roles: [], console: consolePermissions, checks: [] }), {
              status: 200,
              headers: { 'content-type': 'application/json' },
            })) as typeof fetch,
    }),
  );
  app.use(pinia);
  setActivePinia(pinia);
  return pinia;
}

const to = (adminArea?: AdminArea) => ({ meta: adminArea ? { adminArea } : {} }) as unknown as RouteLocationNormalized;

describe('admin route guard', () => {
  it('lets everyone through to pages that are not admin pages, without asking', async () => {
    expect(await guardAdminRoute(to(), piniaAnswering(NONE))).toBe(true);
  });

  it('opens an admin page only with its console permission', async () => {
    const pinia = piniaAnswering({ ...NONE, users: true, audit: true });
    expect(await guardAdminRoute(to('users'), pinia)).toBe(true);
    expect(await guardAdminRoute(to('audit'), pinia)).toBe(true);
    // Without roles permission: the first admin page the user may open instead.
    expect(await guardAdminRoute(to('roles'), pinia)).toEqual({ name: 'admin-users' });
  });

  it('sends a user with no console permission back to the clusters', async () => {
    expect(await guardAdminRoute(to('rolebindings'), piniaAnswering(NONE))).toEqual({ name: 'clusters' });
  });

  it('lets the page open when the server cannot say (the server still refuses what is not allowed)', async () => {
    expect(await guardAdminRoute(to('users'), piniaAnswering('error'))).toBe(true);
  });

  it('offers Administration to anyone with one admin permission', () => {
    expect(canAdminister(NONE)).toBe(false);
    expect(canAdminister({ ...NONE, clusters: { create: true, update: true, delete: true } })).toBe(false);
    expect(canAdminister({ ...NONE, audit: true })).toBe(true);
  });
});
