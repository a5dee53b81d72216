// What the signed-in user may do, so the UI shows only the actions that will work. The backend
// still decides on every request; this only spares users buttons that end in a 403.
import type { PermissionCheck, PermissionsResponse } from '@k8s-console/contracts';
import type { ApiClient } from './client';

export function permissionsApi(client: ApiClient) {
  return {
    get: (cluster?: string) => client.get<PermissionsResponse>('/v1/me/permissions', { query: { cluster } }),
    check: (cluster: string, checks: PermissionCheck[]) =>
      client.post<PermissionsResponse>('/v1/me/permissions', { cluster, checks }),
  };
}
