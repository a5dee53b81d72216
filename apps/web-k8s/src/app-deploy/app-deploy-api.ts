// Calls of "deploy an application" (/api/v1/clusters/:id/app-deploys): preview (field errors +
// server dry run), create, load, update, delete. The backend re-validates what the form checked.
import type { AppDeployRequest, AppDeployResult, AppDeploySpec, AppFieldError, AppObjectRef, AppObjectResult, AppRefs, AppSummaryList } from '@k8s-console/contracts';
import type { ApiClient } from '#/api/client';

export interface AppPreviewResponse {
  errors: AppFieldError[];
  manifests: Record<string, unknown>[];
  objects: AppObjectResult[];
  namespaceExists: boolean;
}

export function appDeployApi(client: ApiClient, clusterId: string) {
  const base = `/v1/clusters/${encodeURIComponent(clusterId)}/app-deploys`;
  const one = (namespace: string, name: string) => `${base}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
  return {
    preview: (body: AppDeployRequest) => client.post<AppPreviewResponse>(`${base}/preview`, body),
    /** the preview of an edit: the dry run the edit makes, and the objects it would delete */
    previewUpdate: (namespace: string, name: string, body: AppDeployRequest) => client.post<AppPreviewResponse>(`${one(namespace, name)}/preview`, body),
    create: (body: AppDeployRequest) => client.post<AppDeployResult>(base, body),
    list: (namespace?: string) => client.get<AppSummaryList>(base, { query: { namespace } }),
    get: (namespace: string, name: string) => client.get<{ spec: AppDeploySpec; objects: AppObjectRef[] }>(one(namespace, name)),
    update: (namespace: string, name: string, body: AppDeployRequest) => client.put<AppDeployResult>(one(namespace, name), body),
    remove: (namespace: string, name: string) => client.delete<AppDeployResult>(one(namespace, name)),
    /** names and key names of the namespace's ConfigMaps and Secrets, never their values */
    refs: (namespace: string) => client.get<AppRefs>(`/v1/clusters/${encodeURIComponent(clusterId)}/app-deploy-refs/${encodeURIComponent(namespace)}`),
  };
}

export type AppDeployApi = ReturnType<typeof appDeployApi>;
