// Endpoints of the cluster registry. Responses never carry a kubeconfig (see contracts).
import type {
  Cluster,
  ClusterCreateInput,
  ClusterList,
  ClusterUpdateInput,
  ConnectionTestResult,
  KubeconfigInput,
} from '@k8s-console/contracts';
import type { ApiClient } from './client';

export function clustersApi(client: ApiClient) {
  const path = (id: string) => `/v1/clusters/${encodeURIComponent(id)}`;
  return {
    list: () => client.get<ClusterList>('/v1/clusters'),
    get: (id: string) => client.get<Cluster>(path(id)),
    create: (input: ClusterCreateInput, opts: { skipTest?: boolean } = {}) =>
      client.post<Cluster>('/v1/clusters', input, { query: { skipTest: opts.skipTest || undefined } }),
    update: (id: string, input: ClusterUpdateInput, opts: { skipTest?: boolean } = {}) =>
      client.patch<Cluster>(path(id), input, { query: { skipTest: opts.skipTest || undefined } }),
    remove: (id: string) => client.delete<void>(path(id)),
    test: (id: string) => client.post<ConnectionTestResult>(`${path(id)}/test`, {}),
    /** Tests a kubeconfig that is not saved yet. */
    testDraft: (input: KubeconfigInput) => client.post<ConnectionTestResult>('/v1/clusters/test', input),
  };
}
