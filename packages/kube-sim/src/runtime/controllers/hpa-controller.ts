// HorizontalPodAutoscaler status without metrics: the target's current replica count, and the
// count the HPA would want (kept within minReplicas..maxReplicas). The seeded utilization stays
// as it was; kube-sim has no metrics pipeline to scale on.
import type { K8sObject } from '../../store/k8s-object.js';
import { R } from '../runtime-store.js';
import { nowIso } from '../object-helpers.js';
import type { ControllerContext } from './controller-context.js';
import { writeStatus } from './replicaset-controller.js';

const TARGETS: Record<string, string> = { Deployment: R.deployments, StatefulSet: R.statefulSets, ReplicaSet: R.replicaSets };

export class HpaController {
  constructor(private readonly ctx: ControllerContext) {}

  /** HPAs whose scaleTargetRef names this object */
  targeting(kind: string, ns: string, name: string): K8sObject[] {
    return this.ctx.store.list(R.hpas, ns).filter((h) => h.spec?.scaleTargetRef?.kind === kind && h.spec?.scaleTargetRef?.name === name);
  }

  reconcile(ns: string, name: string): void {
    const hpa = this.ctx.store.get(R.hpas, ns, name);
    if (!hpa) return;
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const resource = TARGETS[ref.kind as string];
    const target = resource ? this.ctx.store.get(resource, ns, ref.name) : undefined;
    const min = hpa.spec?.minReplicas ?? 1;
    const max = hpa.spec?.maxReplicas ?? min;
    const current = target?.status?.replicas ?? 0;
    const desired = Math.min(max, Math.max(min, current));
    const conditions = (hpa.status?.conditions ?? []) as K8sObject[];
    const status: K8sObject = {
      ...(hpa.status ?? {}),
      currentReplicas: current,
      desiredReplicas: target ? desired : 0,
      conditions: target ? conditions : [{
        type: 'AbleToScale', status: 'False', reason: 'FailedGetScale',
        message: `the HPA controller was unable to get the target's current scale: ${String(ref.kind).toLowerCase()}s "${ref.name}" not found`,
        lastTransitionTime: conditions[0]?.lastTransitionTime ?? nowIso(),
      }],
    };
    writeStatus(this.ctx, R.hpas, hpa, status);
  }
}
