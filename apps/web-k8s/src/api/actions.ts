// Typed cluster actions (scale, restart, cordon, drain, delete) and multi-document apply with a
// dry run first. The backend authorizes each with the Kubernetes verbs it will use.
import type {
  ActionResult,
  ApplyRequest,
  ApplyResult,
  DeleteRequest,
  DrainRequest,
  DrainResult,
  RestartRequest,
  ScaleRequest,
} from '@k8s-console/contracts';
import type { ApiClient } from './client';

export function actionsApi(client: ApiClient, clusterId: string) {
  const base = `/v1/clusters/${encodeURIComponent(clusterId)}`;
  return {
    scale: (body: ScaleRequest) => client.post<ActionResult>(`${base}/actions/scale`, body),
    restart: (body: RestartRequest) => client.post<ActionResult>(`${base}/actions/restart`, body),
    cordon: (node: string) => client.post<ActionResult>(`${base}/actions/cordon`, { node }),
    uncordon: (node: string) => client.post<ActionResult>(`${base}/actions/uncordon`, { node }),
    drain: (body: DrainRequest) => client.post<DrainResult>(`${base}/actions/drain`, body),
    delete: (body: DeleteRequest) => client.post<ActionResult>(`${base}/actions/delete`, body),
    apply: (body: ApplyRequest) => client.post<ApplyResult>(`${base}/apply`, body),
  };
}

export type ActionsApi = ReturnType<typeof actionsApi>;
