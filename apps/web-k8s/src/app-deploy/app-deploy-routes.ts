// Routes of "deploy an application", children of a cluster's layout: the list of applications,
// the form for a new one, and the same form editing one (found by its label).
import type { RouteRecordRaw } from 'vue-router';

export const APP_DEPLOY_NAV_KEY = 'app-deploys';

export const appDeployRoutes: RouteRecordRaw[] = [
  { path: 'apps', name: 'app-deploys', component: () => import('./AppDeployListView.vue') },
  { path: 'apps/new', name: 'app-deploy-new', component: () => import('./AppDeployView.vue') },
  { path: 'apps/:namespace/:name', name: 'app-deploy-edit', component: () => import('./AppDeployView.vue') },
];
