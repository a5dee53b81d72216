// ReplicaSet: keeps `spec.replicas` live pods carrying its template, deleting the least useful
// (unscheduled, then not ready, then newest) first, and reports replica counts in its status.
import type { K8sObject } from '../../store/k8s-object.js';
import { labelSelectorMatcher } from '../../store/selectors.js';
import { R } from '../runtime-store.js';
import { isOwnedBy, isPodFinished, isPodReady, isPodTerminating, nameOf, nsOf, ownerRef, randomSuffix } from '../object-helpers.js';
import { podFromTemplate } from './pod-template.js';
import type { ControllerContext } from './controller-context.js';

const SOURCE = { component: 'replicaset-controller' };

export function activePods(ctx: ControllerContext, owner: K8sObject): K8sObject[] {
  return ctx.store.list(R.pods, nsOf(owner)).filter((p) => isOwnedBy(p, owner) && !isPodTerminating(p) && !isPodFinished(p));
}

/** Deletion order of the real controller, roughly: unassigned, pending, not ready, then youngest. */
export function deletionRank(a: K8sObject, b: K8sObject): number {
  const score = (p: K8sObject) => (p.spec?.nodeName ? 0 : 4) + (p.status?.phase === 'Pending' ? 2 : 0) + (isPodReady(p) ? 0 : 1);
  const d = score(b) - score(a);
  if (d) return d;
  return String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? ''));
}

export class ReplicaSetController {
  constructor(private readonly ctx: ControllerContext) {}

  reconcile(ns: string, name: string): void {
    const { store, events } = this.ctx;
    const rs = store.get(R.replicaSets, ns, name);
    if (!rs || rs.metadata?.deletionTimestamp) return;
    const desired = rs.spec?.replicas ?? 1;
    const pods = activePods(this.ctx, rs);
    const matches = labelSelectorMatcher(rs.spec?.selector);
    if (pods.length < desired) {
      for (let i = pods.length; i < desired; i++) {
        const pod = podFromTemplate(rs.spec.template, ns, `${name}-${randomSuffix()}`, ownerRef(rs, 'apps/v1', 'ReplicaSet'));
        const created = store.create(R.pods, pod);
        events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${nameOf(created)}`, SOURCE);
      }
    } else if (pods.length > desired) {
      for (const pod of [...pods].sort(deletionRank).slice(0, pods.length - desired)) {
        store.remove(R.pods, ns, nameOf(pod));
        events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${nameOf(pod)}`, SOURCE);
      }
    }
    const now = activePods(this.ctx, rs);
    const ready = now.filter(isPodReady).length;
    const status = {
      replicas: now.length,
      fullyLabeledReplicas: now.filter((p) => matches(p.metadata?.labels)).length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata?.generation ?? 1,
    };
    writeStatus(this.ctx, R.replicaSets, rs, status);
  }
}

/** Writes a status only when it changed, so a controller's own update does not loop. */
export function writeStatus(ctx: ControllerContext, resource: string, obj: K8sObject, status: K8sObject): void {
  const current = obj.status ?? {};
  const same = Object.keys({ ...current, ...status }).every((k) => JSON.stringify(current[k]) === JSON.stringify(status[k]));
  if (same) return;
  ctx.store.update(resource, { ...obj, status });
}
