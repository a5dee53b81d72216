// Calls to a cluster's apiserver through the console's generic proxy
// (/api/v1/clusters/:id/k8s/<apiserver path>). Lists ask for the Table API so that one generic
// list renders every kind, CRDs included, with the columns the apiserver itself prints.
import type { KubeObject as WatchedObject } from '@k8s-console/contracts';
import type { ApiClient } from './client';
import { apiPath, type ResourceType } from '#/composables/resources/resource-catalogue';

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description?: string;
  priority: number;
}

// The metadata fields the contracts declare for every object the browser receives, plus the owner
// references that related-objects.ts follows.
type ContractsObjectMeta = WatchedObject['metadata'];
export interface ObjectMeta extends ContractsObjectMeta {
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
}

export interface TableRow {
  cells: unknown[];
  object?: { kind?: string; apiVersion?: string; metadata: ObjectMeta };
}

export interface KubeTable {
  kind: 'Table';
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface KubeList<T = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continueToken?: string;
  signal?: AbortSignal;
}

type ResourceRef = Pick<ResourceType, 'group' | 'version' | 'resource'>;

/** Runs fn, turning a throw (an invalid path) into a rejected promise like every other failure. */
function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (err) {
    return Promise.reject(err);
  }
}

export function kubeApi(client: ApiClient, clusterId: string) {
  const proxy = (path: string) => `/v1/clusters/${encodeURIComponent(clusterId)}/k8s${path}`;
  const listQuery = (o: ListOptions) => ({
    labelSelector: o.labelSelector,
    fieldSelector: o.fieldSelector,
    limit: o.limit,
    continue: o.continueToken,
  });
  return {
    listTable: (type: ResourceRef, o: ListOptions = {}) =>
      call(() =>
        client.get<KubeTable>(proxy(apiPath(type, o.namespace)), {
          headers: { Accept: TABLE_ACCEPT },
          query: { ...listQuery(o), includeObject: 'Metadata' },
          signal: o.signal,
        }),
      ),
    list: <T = KubeObject>(type: ResourceRef, o: ListOptions = {}) =>
      call(() => client.get<KubeList<T>>(proxy(apiPath(type, o.namespace)), { query: listQuery(o), signal: o.signal })),
    get: <T = KubeObject>(type: ResourceRef, namespace: string | undefined, name: string, signal?: AbortSignal) =>
      call(() => client.get<T>(proxy(apiPath(type, namespace, name)), { signal })),
    version: () => client.get<{ gitVersion: string; platform?: string }>(proxy('/version')),
  };
}

export type KubeApi = ReturnType<typeof kubeApi>;
