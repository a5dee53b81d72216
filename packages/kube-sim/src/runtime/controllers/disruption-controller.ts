// PodDisruptionBudgets: keeps each budget's status (currentHealthy, desiredHealthy,
// disruptionsAllowed) current, and decides evictions (pods/eviction) against it: an eviction
// that would leave fewer healthy pods than the budget allows is refused with 429, as the
// apiserver does, which makes `kubectl drain` retry.
import type { K8sObject } from '../../store/k8s-object.js';
import { StatusError } from '../../errors/status-error.js';
import { labelSelectorMatcher } from '../../store/selectors.js';
import { R } from '../runtime-store.js';
import { intOrPercent, isPodFinished, isPodReady, nameOf, nowIso } from '../object-helpers.js';
import type { ControllerContext } from './controller-context.js';
import { writeStatus } from './replicaset-controller.js';

export class DisruptionController {
  constructor(private readonly ctx: ControllerContext) {}

  private covered(pdb: K8sObject): K8sObject[] {
    const matches = labelSelectorMatcher(pdb.spec?.selector);
    return this.ctx.store.list(R.pods, pdb.metadata?.namespace).filter((p) => !isPodFinished(p) && matches(p.metadata?.labels));
  }

  budgetsFor(pod: K8sObject): K8sObject[] {
    return this.ctx.store.list(R.pdbs, pod.metadata?.namespace).filter((pdb) => labelSelectorMatcher(pdb.spec?.selector)(pod.metadata?.labels));
  }

  private compute(pdb: K8sObject): K8sObject {
    const pods = this.covered(pdb);
    const expected = pods.length;
    const healthy = pods.filter(isPodReady).length;
    let desired: number;
    if (pdb.spec?.minAvailable !== undefined) desired = intOrPercent(pdb.spec.minAvailable, expected, true, '0');
    else if (pdb.spec?.maxUnavailable !== undefined) desired = expected - intOrPercent(pdb.spec.maxUnavailable, expected, true, '0');
    else desired = expected;
    const allowed = Math.max(0, healthy - desired);
    const prev = ((pdb.status?.conditions ?? []) as K8sObject[]).find((c) => c.type === 'DisruptionAllowed');
    const ok = allowed > 0;
    const condition = {
      type: 'DisruptionAllowed',
      status: ok ? 'True' : 'False',
      reason: ok ? 'SufficientPods' : 'InsufficientPods',
      message: '',
      observedGeneration: pdb.metadata?.generation ?? 1,
      lastTransitionTime: prev && prev.status === (ok ? 'True' : 'False') ? prev.lastTransitionTime : nowIso(),
    };
    return {
      observedGeneration: pdb.metadata?.generation ?? 1,
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
      conditions: [condition],
    };
  }

  reconcile(ns: string, name: string): void {
    const pdb = this.ctx.store.get(R.pdbs, ns, name);
    if (pdb) writeStatus(this.ctx, R.pdbs, pdb, this.compute(pdb));
  }

  /** POST pods/eviction: deletes the pod unless a budget forbids it (429 TooManyRequests). */
  evict(ns: string, podName: string): void {
    const { store } = this.ctx;
    const pod = store.get(R.pods, ns, podName);
    if (!pod) throw new StatusError(404, 'NotFound', `pods "${podName}" not found`, { name: podName, kind: 'pods' });
    // pods that are not running (or already going) need no budget: the apiserver's canIgnorePDB
    const phase = pod.status?.phase;
    const ignoreBudget = phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || Boolean(pod.metadata?.deletionTimestamp);
    if (!ignoreBudget) {
      const budgets = this.budgetsFor(pod);
      if (budgets.length > 1) {
        throw new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
      }
      const pdb = budgets[0];
      if (pdb) {
        const status = this.compute(pdb);
        // an unready pod may go without using up the budget when the policy says so, or while the
        // budget is met; otherwise (IfHealthyBudget with too few healthy pods) it needs a disruption
        // like any other, which is how a real drain stalls on crash-looping pods
        const unreadyAllowed = !isPodReady(pod)
          && (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' || (status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0));
        if (!unreadyAllowed && status.disruptionsAllowed <= 0) {
          throw new StatusError(429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod\'s disruption budget.', {
            causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${nameOf(pdb)} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently` }],
          });
        }
      }
    }
    store.remove(R.pods, ns, podName);
    for (const pdb of this.budgetsFor(pod)) this.reconcile(ns, nameOf(pdb));
  }
}
