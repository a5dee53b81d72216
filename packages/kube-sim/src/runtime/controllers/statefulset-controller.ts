// StatefulSet: pods with stable names (name-0, name-1, ...) created in order, each waiting for
// its predecessors to be Ready (OrderedReady) or all at once (Parallel); scale-down removes the
// highest ordinal first; a template change replaces pods from the highest ordinal down, one at a
// time. volumeClaimTemplates get one bound PersistentVolumeClaim per pod.
import type { K8sObject } from '../../store/k8s-object.js';
import { cloneJson } from '../../store/json-values.js';
import { R } from '../runtime-store.js';
import { isOwnedBy, isPodReady, isPodTerminating, nameOf, ownerRef, templateHash } from '../object-helpers.js';
import { podFromTemplate } from './pod-template.js';
import type { ControllerContext } from './controller-context.js';
import { writeStatus } from './replicaset-controller.js';

const SOURCE = { component: 'statefulset-controller' };
const REVISION = 'controller-revision-hash';

export class StatefulSetController {
  constructor(private readonly ctx: ControllerContext) {}

  reconcile(ns: string, name: string): void {
    const { store, events } = this.ctx;
    const sts = store.get(R.statefulSets, ns, name);
    if (!sts || sts.metadata?.deletionTimestamp) return;
    const desired = sts.spec?.replicas ?? 1;
    const revision = `${name}-${templateHash(sts.spec?.template ?? {})}`;
    const ordered = (sts.spec?.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const pods = new Map<number, K8sObject>();
    for (const p of store.list(R.pods, ns)) {
      if (!isOwnedBy(p, sts)) continue;
      const m = new RegExp(`^${name}-(\\d+)$`).exec(nameOf(p));
      if (m) pods.set(Number(m[1]), p);
    }

    let blocked = false;
    for (let i = 0; i < desired && !blocked; i++) {
      const pod = pods.get(i);
      if (!pod) {
        this.createPod(sts, i, revision);
        if (ordered) blocked = true;
      } else if (ordered && !isPodReady(pod)) blocked = true;
    }
    const extra = [...pods.keys()].filter((i) => i >= desired).sort((a, b) => b - a);
    if (extra.length && (!ordered || [...pods.values()].every(isPodReady))) {
      for (const i of ordered ? extra.slice(0, 1) : extra) {
        store.remove(R.pods, ns, `${name}-${i}`);
        events.record(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${name}-${i} in StatefulSet ${name} successful`, SOURCE);
      }
    }
    // rolling update: replace the highest-ordinal outdated pod once everything is ready
    const live = [...pods.entries()].filter(([i]) => i < desired);
    if ((sts.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && live.length === desired && live.every(([, p]) => isPodReady(p))) {
      const outdated = live.filter(([, p]) => p.metadata?.labels?.[REVISION] !== revision).sort((a, b) => b[0] - a[0])[0];
      if (outdated) {
        store.remove(R.pods, ns, nameOf(outdated[1]));
        events.record(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${nameOf(outdated[1])} in StatefulSet ${name} successful`, SOURCE);
      }
    }

    const now = store.list(R.pods, ns).filter((p) => isOwnedBy(p, sts) && !isPodTerminating(p));
    const updated = now.filter((p) => p.metadata?.labels?.[REVISION] === revision).length;
    const ready = now.filter(isPodReady).length;
    const current = updated === now.length ? revision : (sts.status?.currentRevision ?? revision);
    writeStatus(this.ctx, R.statefulSets, sts, {
      observedGeneration: sts.metadata?.generation ?? 1,
      replicas: now.length,
      readyReplicas: ready,
      currentReplicas: current === revision ? updated : now.length - updated,
      updatedReplicas: updated,
      availableReplicas: ready,
      currentRevision: current,
      updateRevision: revision,
      collisionCount: 0,
    });
  }

  private createPod(sts: K8sObject, ordinal: number, revision: string): void {
    const { store, events } = this.ctx;
    const ns = sts.metadata?.namespace as string;
    const stsName = nameOf(sts);
    const podName = `${stsName}-${ordinal}`;
    const pod = podFromTemplate(sts.spec.template, ns, podName, ownerRef(sts, 'apps/v1', 'StatefulSet'), {
      [REVISION]: revision,
      'statefulset.kubernetes.io/pod-name': podName,
      'apps.kubernetes.io/pod-index': String(ordinal),
    });
    pod.spec.hostname = podName;
    if (sts.spec?.serviceName) pod.spec.subdomain = sts.spec.serviceName;
    const volumes = [...(pod.spec.volumes ?? [])];
    for (const tpl of (sts.spec?.volumeClaimTemplates ?? []) as K8sObject[]) {
      const claim = `${tpl.metadata?.name}-${podName}`;
      volumes.push({ name: tpl.metadata?.name, persistentVolumeClaim: { claimName: claim } });
      if (store.get(R.pvcs, ns, claim)) continue;
      const spec = cloneJson(tpl.spec ?? {});
      store.create(R.pvcs, {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: claim, namespace: ns, labels: { ...(sts.spec?.selector?.matchLabels ?? {}) } },
        spec: { storageClassName: 'standard', volumeMode: 'Filesystem', ...spec, volumeName: `pvc-${claim}` },
        status: { phase: 'Bound', accessModes: spec.accessModes ?? ['ReadWriteOnce'], capacity: { storage: spec.resources?.requests?.storage ?? '1Gi' } },
      });
      // the volume a dynamic provisioner would have created for the claim
      const pvName = `pvc-${claim}`;
      const pvc = store.get(R.pvcs, ns, claim);
      if (!store.get(R.pvs, undefined, pvName)) {
        store.create(R.pvs, {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: pvName, annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } },
          spec: {
            capacity: { storage: spec.resources?.requests?.storage ?? '1Gi' },
            accessModes: spec.accessModes ?? ['ReadWriteOnce'],
            persistentVolumeReclaimPolicy: 'Delete',
            storageClassName: spec.storageClassName ?? 'standard',
            volumeMode: 'Filesystem',
            hostPath: { path: `/var/lib/kube-sim/volumes/${ns}/${claim}`, type: 'DirectoryOrCreate' },
            claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name: claim, uid: pvc?.metadata?.uid },
          },
          status: { phase: 'Bound' },
        });
      }
      events.record(sts, 'Normal', 'SuccessfulCreate', `create Claim ${claim} Pod ${podName} in StatefulSet ${stsName} success`, SOURCE);
    }
    if (volumes.length) pod.spec.volumes = volumes;
    store.create(R.pods, pod);
    events.record(sts, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${stsName} successful`, SOURCE);
  }
}
