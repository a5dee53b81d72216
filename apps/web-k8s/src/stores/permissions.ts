// The user's console permissions (clusters, users, roles, audit) and per-object checks for the
// resource pages. Until the server has answered nothing is offered, so a viewer never sees a
// Delete or an Administration link flash by; when the server cannot say (an error), everything
// is shown: it enforces anyway.
import { defineStore } from 'pinia';
import { shallowRef, watch } from 'vue';
import type { PermissionCheck, PermissionsResponse } from '@k8s-console/contracts';
import { useApiClient } from '#/api/context';
import { permissionsApi } from '#/api/permissions';
import { useSessionStore } from './session';

export type ConsolePermissions = PermissionsResponse['console'];

const ALLOW_ALL: ConsolePermissions = {
  clusters: { create: true, update: true, delete: true },
  users: true,
  roles: true,
  rolebindings: true,
  audit: true,
};

const NOT_YET_KNOWN: ConsolePermissions = {
  clusters: { create: false, update: false, delete: false },
  users: false,
  roles: false,
  rolebindings: false,
  audit: false,
};

export const usePermissionsStore = defineStore('permissions', () => {
  const api = permissionsApi(useApiClient());
  const consolePermissions = shallowRef<ConsolePermissions>(NOT_YET_KNOWN);
  let loading: Promise<void> | null = null;

  function loadConsole(): Promise<void> {
    loading ??= api
      .get()
      .then((res) => {
        consolePermissions.value = res.console;
      })
      .catch(() => {
        consolePermissions.value = ALLOW_ALL;
        loading = null; // try again next time
      });
    return loading;
  }

  /** Answers each check in order; true for all when the server cannot answer. */
  async function check(cluster: string, checks: PermissionCheck[]): Promise<boolean[]> {
    if (checks.length === 0) return [];
    try {
      const res = await api.check(cluster, checks);
      return checks.map((_, i) => res.checks[i]?.allowed ?? true);
    } catch {
      return checks.map(() => true);
    }
  }

  function reset() {
    consolePermissions.value = NOT_YET_KNOWN;
    loading = null;
  }

  // Another user signing in on the same instance must not inherit these answers. The session
  // store is taken here, once: inside the watcher, useSessionStore() would follow whichever
  // console instance's pinia was active last (two micro-app mounts, or a remount).
  const session = useSessionStore();
  watch(() => session.accessToken === null || session.user?.id, reset);

  return { console: consolePermissions, loadConsole, check, reset };
});
