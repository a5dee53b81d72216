// The few facts per kind that people look for first (a pod's node and IP, a deployment's ready
// replicas, a service's ports), shown above the generic metadata. Unknown kinds get none.
import type { KubeObject } from '#/api/kube';

export interface SummaryField {
  /** i18n key under summary.* */
  key: string;
  value: string;
}

type Obj = Record<string, unknown>;
const get = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Obj)[k] : undefined), obj);
const str = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : String(v));

function fields(entries: Array<[string, unknown]>): SummaryField[] {
  return entries.flatMap(([key, v]) => {
    const value = str(v);
    return value === undefined ? [] : [{ key, value }];
  });
}

export function objectSummary(obj: KubeObject): SummaryField[] {
  switch (obj.kind) {
    case 'Pod': {
      const containers = (get(obj, 'spec.containers') as Array<{ name: string; image: string }> | undefined) ?? [];
      const statuses = (get(obj, 'status.containerStatuses') as Array<{ ready?: boolean; restartCount?: number }> | undefined) ?? [];
      return fields([
        ['phase', get(obj, 'status.phase')],
        ['ready', `${statuses.filter((s) => s.ready).length}/${containers.length}`],
        ['restarts', statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0)],
        ['node', get(obj, 'spec.nodeName')],
        ['podIP', get(obj, 'status.podIP')],
        ['images', containers.map((c) => `${c.name}: ${c.image}`).join('\n')],
      ]);
    }
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
      return fields([
        ['replicas', `${get(obj, 'status.readyReplicas') ?? 0}/${get(obj, 'spec.replicas') ?? 0}`],
        ['updatedReplicas', get(obj, 'status.updatedReplicas')],
        ['availableReplicas', get(obj, 'status.availableReplicas')],
      ]);
    case 'DaemonSet':
      return fields([['replicas', `${get(obj, 'status.numberReady') ?? 0}/${get(obj, 'status.desiredNumberScheduled') ?? 0}`]]);
    case 'Service': {
      const ports = (get(obj, 'spec.ports') as Array<{ port: number; targetPort?: unknown; protocol?: string; nodePort?: number }> | undefined) ?? [];
      return fields([
        ['serviceType', get(obj, 'spec.type')],
        ['clusterIP', get(obj, 'spec.clusterIP')],
        ['ports', ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}→${String(p.targetPort ?? p.port)}/${p.protocol ?? 'TCP'}`).join(', ')],
      ]);
    }
    case 'Node': {
      const conditions = (get(obj, 'status.conditions') as Array<{ type: string; status: string }> | undefined) ?? [];
      return fields([
        ['ready', conditions.find((c) => c.type === 'Ready')?.status],
        ['unschedulable', get(obj, 'spec.unschedulable') ? 'true' : undefined],
        ['kubeletVersion', get(obj, 'status.nodeInfo.kubeletVersion')],
        ['cpu', get(obj, 'status.capacity.cpu')],
        ['memory', get(obj, 'status.capacity.memory')],
      ]);
    }
    default:
      return [];
  }
}
