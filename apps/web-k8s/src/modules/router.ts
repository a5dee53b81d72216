// Routes of the console. The URL holds the state: the cluster, the resource kind, the namespace
// and the list filters are all in the path or query, so any page can be shared or reloaded.
import { createMemoryHistory, createRouter, type RouteRecordRaw, type Router } from 'vue-router';
import type { Pinia } from 'pinia';
import { useSessionStore } from '#/stores/session';
import { appDeployRoutes } from '#/app-deploy/app-deploy-routes';
import { adminRoutes, guardAdminRoute } from '#/admin/admin-routes';
import { createScopedWebHistory } from './scoped-web-history';

/** The core API group ("") in URLs, where an empty path segment would not survive. */
export const CORE_GROUP = 'core';

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('#/views/auth/LoginView.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('#/views/layout/ConsoleLayout.vue'),
    children: [
      { path: '', redirect: { name: 'clusters' } },
      { path: 'clusters', name: 'clusters', component: () => import('#/views/clusters/ClustersView.vue') },
      {
        path: 'clusters/:cluster',
        component: () => import('#/views/layout/ClusterLayout.vue'),
        children: [
          { path: '', name: 'cluster-overview', component: () => import('#/views/resources/ClusterOverviewView.vue') },
          {
            path: 'resources/:group/:version/:resource',
            name: 'resource-list',
            component: () => import('#/views/resources/ResourceListView.vue'),
          },
          {
            // namespace is "-" for cluster-scoped objects
            path: 'resources/:group/:version/:resource/:namespace/:name',
            name: 'resource-detail',
            component: () => import('#/views/resources/ResourceDetailView.vue'),
          },
          ...appDeployRoutes,
        ],
      },
      ...adminRoutes,
    ],
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('#/views/layout/NotFoundView.vue'), meta: { public: true } },
];

export interface ConsoleRouterOptions {
  /** The path the console is served under, e.g. "/k8s/". */
  base: string;
  /** "memory" keeps the host's URL untouched (used when embedded without routing). */
  history?: 'web' | 'memory';
  pinia: Pinia;
}

export function createConsoleRouter(options: ConsoleRouterOptions): Router {
  const history = options.history === 'memory' ? createMemoryHistory(options.base) : createScopedWebHistory(options.base);
  const router = createRouter({ history, routes });
  router.beforeEach(async (to) => {
    const session = useSessionStore(options.pinia);
    if (to.meta.public) {
      if (to.name === 'login' && session.isAuthenticated) return { name: 'clusters' };
      return true;
    }
    if (!session.isAuthenticated) {
      return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
    }
    return guardAdminRoute(to, options.pinia);
  });
  return router;
}

/** Only same-app paths are accepted as a post-login redirect, never another origin. */
export function safeRedirect(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) return '/clusters';
  return value;
}
