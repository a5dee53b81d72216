// DaemonSet: one pod per Ready, schedulable node that matches the template's nodeSelector
// (tolerations are not modelled). Pods already on a node that gets cordoned stay, as a real
// DaemonSet's do; pods on vanished or no longer matching nodes go. A template change replaces
// pods one node at a time.
import type { K8sObject } from '../../store/k8s-object.js';
import { R } from '../runtime-store.js';
import { isOwnedBy, isPodReady, isPodTerminating, nameOf, ownerRef, randomSuffix, templateHash } from '../object-helpers.js';
import { podFromTemplate } from './pod-template.js';
import { isNodeReady, isNodeSchedulable, nodeSelectorMatches } from './scheduler.js';
import type { ControllerContext } from './controller-context.js';
import { writeStatus } from './replicaset-controller.js';

const SOURCE = { component: 'daemonset-controller' };
const REVISION = 'controller-revision-hash';

export class DaemonSetController {
  constructor(private readonly ctx: ControllerContext) {}

  reconcile(ns: string, name: string): void {
    const { store, events } = this.ctx;
    const ds = store.get(R.daemonSets, ns, name);
    if (!ds || ds.metadata?.deletionTimestamp) return;
    const revision = templateHash(ds.spec?.template ?? {});
    const probe: K8sObject = { spec: ds.spec?.template?.spec ?? {} };
    const nodes = store.list(R.nodes);
    const pods = store.list(R.pods, ns).filter((p) => isOwnedBy(p, ds) && !isPodTerminating(p));
    const byNode = new Map<string, K8sObject[]>();
    for (const p of pods) byNode.set(p.spec?.nodeName ?? '', [...(byNode.get(p.spec?.nodeName ?? '') ?? []), p]);

    const wanted = new Set<string>();
    for (const node of nodes) {
      const n = nameOf(node);
      const has = byNode.has(n);
      if (!nodeSelectorMatches(probe, node) || !isNodeReady(node)) continue;
      if (isNodeSchedulable(node) || has) wanted.add(n);
    }
    for (const [nodeName, list] of byNode) {
      const keep = wanted.has(nodeName) ? list.slice(0, 1) : [];
      for (const p of list.filter((x) => !keep.includes(x))) {
        store.remove(R.pods, ns, nameOf(p));
        events.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${nameOf(p)}`, SOURCE);
      }
    }
    for (const nodeName of wanted) {
      if (byNode.has(nodeName)) continue;
      const pod = podFromTemplate(ds.spec.template, ns, `${name}-${randomSuffix()}`, ownerRef(ds, 'apps/v1', 'DaemonSet'), { [REVISION]: revision });
      pod.spec.nodeName = nodeName;
      const created = store.create(R.pods, pod);
      events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${nameOf(created)}`, SOURCE);
    }
    const current = store.list(R.pods, ns).filter((p) => isOwnedBy(p, ds) && !isPodTerminating(p));
    if (current.length === wanted.size && current.every(isPodReady)) {
      const outdated = current.find((p) => p.metadata?.labels?.[REVISION] !== revision);
      if (outdated) {
        store.remove(R.pods, ns, nameOf(outdated));
        events.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${nameOf(outdated)}`, SOURCE);
      }
    }
    const ready = current.filter(isPodReady).length;
    const updated = current.filter((p) => p.metadata?.labels?.[REVISION] === revision).length;
    writeStatus(this.ctx, R.daemonSets, ds, {
      currentNumberScheduled: current.length,
      numberMisscheduled: 0,
      desiredNumberScheduled: wanted.size,
      numberReady: ready,
      observedGeneration: ds.metadata?.generation ?? 1,
      updatedNumberScheduled: updated,
      numberAvailable: ready,
      ...(wanted.size - ready > 0 ? { numberUnavailable: wanted.size - ready } : {}),
    });
  }
}
