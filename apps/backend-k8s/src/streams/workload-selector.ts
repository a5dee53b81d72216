// Turns a workload (deployment, statefulset, daemonset, replicaset, job) into the label selector
// of its pods, read from the workload's own spec.selector as the controllers do.
import type { WorkloadKind } from '@k8s-console/contracts';
import type { ClusterConnection } from '../clusters/credentials.js';
import { readJson, readSmallBody, statusMessage, upstreamErrorCode, upstreamGet } from './upstream-http.js';
import { pathSegment } from '../kube/request-info.js';

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

const workloadApi: Record<WorkloadKind, { group: string; resource: string }> = {
  deployment: { group: 'apps/v1', resource: 'deployments' },
  statefulset: { group: 'apps/v1', resource: 'statefulsets' },
  daemonset: { group: 'apps/v1', resource: 'daemonsets' },
  replicaset: { group: 'apps/v1', resource: 'replicasets' },
  job: { group: 'batch/v1', resource: 'jobs' },
};

/** The API group and resource of a workload kind; undefined for anything else (an unchecked query value). */
export function workloadResource(kind: string): { apiGroup: string; resource: string } | undefined {
  const api = Object.hasOwn(workloadApi, kind) ? workloadApi[kind as WorkloadKind] : undefined;
  return api && { apiGroup: api.group.split('/')[0] ?? '', resource: api.resource };
}

/** The selector in the string form list calls take (`a=b,c in (d,e),!f`). */
export function selectorToString(sel: LabelSelector): string {
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

export class WorkloadLookupError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function workloadSelector(
  cluster: ClusterConnection,
  namespace: string,
  kind: WorkloadKind,
  name: string,
  signal: AbortSignal,
): Promise<string> {
  const api = workloadApi[kind];
  const path = `/apis/${api.group}/namespaces/${pathSegment(namespace)}/${api.resource}/${pathSegment(name)}`;
  const res = await upstreamGet(cluster, path, undefined, { signal });
  if (res.statusCode !== 200) {
    const body = await readSmallBody(res).catch(() => '');
    throw new WorkloadLookupError(upstreamErrorCode(res.statusCode ?? 0), statusMessage(body, `${kind} ${name}: ${res.statusCode}`));
  }
  const obj = await readJson<{ spec?: { selector?: LabelSelector } }>(res);
  const selector = selectorToString(obj.spec?.selector ?? {});
  if (!selector) throw new WorkloadLookupError('BAD_REQUEST', `${kind} ${name} has no pod selector`);
  return selector;
}
