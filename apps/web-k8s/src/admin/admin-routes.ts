// The admin pages' routes and their guard: each page needs its console permission (users, roles,
// rolebindings, audit); without it the router goes to the first admin page the user may see, or
// back to the clusters. The server refuses anyway; this spares a page full of 403s.
import type { Pinia } from 'pinia';
import type { RouteLocationNormalized, RouteLocationRaw, RouteRecordRaw } from 'vue-router';
import { usePermissionsStore, type ConsolePermissions } from '#/stores/permissions';

export type AdminArea = 'users' | 'roles' | 'rolebindings' | 'audit';

declare module 'vue-router' {
  interface RouteMeta {
    /** The console permission an admin page needs. */
    adminArea?: AdminArea;
  }
}

export const ADMIN_PAGES: readonly { name: string; area: AdminArea; labelKey: string }[] = [
  { name: 'admin-users', area: 'users', labelKey: 'admin.nav.users' },
  { name: 'admin-roles', area: 'roles', labelKey: 'admin.nav.roles' },
  { name: 'admin-bindings', area: 'rolebindings', labelKey: 'admin.nav.bindings' },
  { name: 'admin-audit', area: 'audit', labelKey: 'admin.nav.audit' },
];

/** May this user see any admin page at all (the user menu's "Administration" entry). */
export function canAdminister(permissions: ConsolePermissions): boolean {
  return ADMIN_PAGES.some((page) => permissions[page.area]);
}

export const adminRoutes: RouteRecordRaw[] = [
  {
    path: 'admin',
    component: () => import('./views/AdminLayout.vue'),
    children: [
      { path: '', name: 'admin', redirect: { name: 'admin-users' } },
      { path: 'users', name: 'admin-users', component: () => import('./views/UsersView.vue'), meta: { adminArea: 'users' } },
      { path: 'roles', name: 'admin-roles', component: () => import('./views/RolesView.vue'), meta: { adminArea: 'roles' } },
      { path: 'bindings', name: 'admin-bindings', component: () => import('./views/RoleBindingsView.vue'), meta: { adminArea: 'rolebindings' } },
      { path: 'audit', name: 'admin-audit', component: () => import('./views/AuditView.vue'), meta: { adminArea: 'audit' } },
    ],
  },
];

/** For router.beforeEach: true to go on, or where to go instead. */
export async function guardAdminRoute(to: RouteLocationNormalized, pinia: Pinia): Promise<true | RouteLocationRaw> {
  const area = to.meta.adminArea;
  if (!area) return true;
  const permissions = usePermissionsStore(pinia);
  await permissions.loadConsole();
  if (permissions.console[area]) return true;
  const allowed = ADMIN_PAGES.find((page) => permissions.console[page.area]);
  return allowed ? { name: allowed.name } : { name: 'clusters' };
}
