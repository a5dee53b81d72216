// Deployment: owns one ReplicaSet per pod template (named by pod-template-hash), rolls from old
// to new within maxSurge/maxUnavailable (or all at once with Recreate), records the revision,
// prunes history beyond revisionHistoryLimit, and writes the status `kubectl rollout status` reads.
import type { K8sObject } from '../../store/k8s-object.js';
import { cloneJson } from '../../store/json-values.js';
import { R } from '../runtime-store.js';
import { intOrPercent, isOwnedBy, nameOf, nowIso, ownerRef, templateHash } from '../object-helpers.js';
import type { ControllerContext } from './controller-context.js';
import { writeStatus } from './replicaset-controller.js';

const SOURCE = { component: 'deployment-controller' };
const REVISION = 'deployment.kubernetes.io/revision';
const HASH = 'pod-template-hash';

const revisionOf = (rs: K8sObject) => Number(rs.metadata?.annotations?.[REVISION] ?? 0);
const specReplicas = (rs: K8sObject) => rs.spec?.replicas ?? 0;

export class DeploymentController {
  constructor(private readonly ctx: ControllerContext) {}

  reconcile(ns: string, name: string): void {
    const { store } = this.ctx;
    const d = store.get(R.deployments, ns, name);
    if (!d || d.metadata?.deletionTimestamp) return;
    const desired = d.spec?.replicas ?? 1;
    const all = store.list(R.replicaSets, ns).filter((rs) => isOwnedBy(rs, d));
    const template = cloneJson(d.spec?.template ?? {});
    if (template.metadata?.labels) delete template.metadata.labels[HASH];
    const hash = templateHash(template);
    // the ReplicaSet of this template: by hash, or by equal template (what rollout undo restores)
    const sameTemplate = (rs: K8sObject) => {
      const t = cloneJson(rs.spec?.template ?? {});
      if (t.metadata?.labels) delete t.metadata.labels[HASH];
      return templateHash(t) === hash;
    };
    let newRS = all.find((rs) => rs.metadata?.labels?.[HASH] === hash) ?? all.find(sameTemplate);
    const old = all.filter((rs) => rs !== newRS).sort((a, b) => revisionOf(a) - revisionOf(b));
    const maxRevision = Math.max(0, ...all.map(revisionOf));

    if (!d.spec?.paused) {
      if (!newRS) newRS = this.createReplicaSet(d, template, hash, maxRevision + 1, old.length ? 0 : desired);
      else if (revisionOf(newRS) < maxRevision) {
        // rolling back to an older template makes its ReplicaSet the newest revision again
        newRS = store.update(R.replicaSets, { ...newRS, metadata: { ...newRS.metadata, annotations: { ...newRS.metadata?.annotations, [REVISION]: String(maxRevision + 1) } } });
      }
      if (d.spec?.strategy?.type === 'Recreate') this.recreate(d, newRS, old, desired);
      else this.rollingUpdate(d, newRS, old, desired);
      this.pruneHistory(d, old);
    }
    this.updateStatus(d, newRS, desired);
  }

  private createReplicaSet(d: K8sObject, template: K8sObject, hash: string, revision: number, replicas: number): K8sObject {
    const name = `${nameOf(d)}-${hash}`;
    const labels = { ...(template.metadata?.labels ?? {}), [HASH]: hash };
    const rs: K8sObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: d.metadata?.namespace,
        labels,
        annotations: {
          [REVISION]: String(revision),
          'deployment.kubernetes.io/desired-replicas': String(d.spec?.replicas ?? 1),
          'deployment.kubernetes.io/max-replicas': String((d.spec?.replicas ?? 1) + this.surge(d)),
        },
        ownerReferences: [ownerRef(d, 'apps/v1', 'Deployment')],
      },
      spec: {
        replicas,
        selector: { ...d.spec?.selector, matchLabels: { ...(d.spec?.selector?.matchLabels ?? {}), [HASH]: hash } },
        template: { ...template, metadata: { ...template.metadata, labels } },
        ...(d.spec?.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}),
      },
    };
    const created = this.ctx.store.create(R.replicaSets, rs);
    if (replicas > 0) this.ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${replicas}`, SOURCE);
    return created;
  }

  private surge(d: K8sObject): number {
    const desired = d.spec?.replicas ?? 1;
    return intOrPercent(d.spec?.strategy?.rollingUpdate?.maxSurge, desired, true, '25%');
  }

  private scale(d: K8sObject, rs: K8sObject, to: number): void {
    const from = specReplicas(rs);
    if (from === to) return;
    const annotations = { ...rs.metadata?.annotations, 'deployment.kubernetes.io/desired-replicas': String(d.spec?.replicas ?? 1) };
    this.ctx.store.update(R.replicaSets, { ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec, replicas: to } });
    this.ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${to > from ? 'up' : 'down'} replica set ${nameOf(rs)} from ${from} to ${to}`, SOURCE);
  }

  private recreate(d: K8sObject, newRS: K8sObject, old: K8sObject[], desired: number): void {
    for (const rs of old) this.scale(d, rs, 0);
    const oldPods = old.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
    if (oldPods === 0) this.scale(d, newRS, desired);
  }

  private rollingUpdate(d: K8sObject, newRS: K8sObject, old: K8sObject[], desired: number): void {
    let maxSurge = this.surge(d);
    let maxUnavailable = intOrPercent(d.spec?.strategy?.rollingUpdate?.maxUnavailable, desired, false, '25%');
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    if (!old.some((rs) => specReplicas(rs) > 0)) {
      // no rollout in progress: plain scaling
      this.scale(d, newRS, desired);
      return;
    }
    maxSurge = Math.max(0, maxSurge);
    // scale up the new ReplicaSet within the surge budget
    const total = specReplicas(newRS) + old.reduce((n, rs) => n + specReplicas(rs), 0);
    const room = desired + maxSurge - total;
    if (specReplicas(newRS) > desired) this.scale(d, newRS, desired);
    else if (room > 0) this.scale(d, newRS, Math.min(desired, specReplicas(newRS) + room));

    // scale down old ReplicaSets: unavailable pods first, then as far as availability allows
    const fresh = (rs: K8sObject) => this.ctx.store.get(R.replicaSets, rs.metadata?.namespace, nameOf(rs)) ?? rs;
    const current = [fresh(newRS), ...old.map(fresh)];
    const available = current.reduce((n, rs) => n + Math.min(specReplicas(rs), rs.status?.availableReplicas ?? 0), 0);
    let canRemove = available - (desired - maxUnavailable);
    for (const rs of old.map(fresh)) {
      const unhealthy = Math.max(0, specReplicas(rs) - (rs.status?.availableReplicas ?? 0));
      const removeUnhealthy = Math.min(unhealthy, specReplicas(rs));
      const removeHealthy = Math.max(0, Math.min(canRemove, specReplicas(rs) - removeUnhealthy));
      canRemove -= removeHealthy;
      const to = specReplicas(rs) - removeUnhealthy - removeHealthy;
      this.scale(d, rs, to);
    }
  }

  private pruneHistory(d: K8sObject, old: K8sObject[]): void {
    const limit = d.spec?.revisionHistoryLimit ?? 10;
    const idle = old.filter((rs) => specReplicas(rs) === 0 && (rs.status?.replicas ?? 0) === 0);
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) this.ctx.store.remove(R.replicaSets, rs.metadata?.namespace, nameOf(rs));
  }

  private updateStatus(d: K8sObject, newRS: K8sObject | undefined, desired: number): void {
    const { store } = this.ctx;
    const owned = store.list(R.replicaSets, d.metadata?.namespace).filter((rs) => isOwnedBy(rs, d));
    const sum = (f: (rs: K8sObject) => number) => owned.reduce((n, rs) => n + f(rs), 0);
    const replicas = sum((rs) => rs.status?.replicas ?? 0);
    const ready = sum((rs) => rs.status?.readyReplicas ?? 0);
    const available = sum((rs) => rs.status?.availableReplicas ?? 0);
    const freshNew = newRS ? store.get(R.replicaSets, newRS.metadata?.namespace, nameOf(newRS)) : undefined;
    const updated = freshNew?.status?.replicas ?? 0;
    const maxUnavailable = intOrPercent(d.spec?.strategy?.rollingUpdate?.maxUnavailable, desired, false, '25%');
    const complete = updated === desired && replicas === desired && available === desired;
    const prev = new Map(((d.status?.conditions ?? []) as K8sObject[]).map((c) => [c.type as string, c]));
    const now = nowIso();
    const cond = (type: string, status: boolean, reason: string, message: string): K8sObject => {
      const p = prev.get(type);
      const value = status ? 'True' : 'False';
      const same = p?.status === value && p?.reason === reason;
      return { type, status: value, lastUpdateTime: same ? p.lastUpdateTime : now, lastTransitionTime: p?.status === value ? p.lastTransitionTime : now, reason, message };
    };
    const availableOk = available >= desired - (d.spec?.strategy?.type === 'Recreate' ? 0 : maxUnavailable);
    const rsName = freshNew ? nameOf(freshNew) : '';
    const conditions = [
      cond('Available', availableOk, availableOk ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        availableOk ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.'),
      cond('Progressing', true, complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
        complete ? `ReplicaSet "${rsName}" has successfully progressed.` : `ReplicaSet "${rsName}" is progressing.`),
    ];
    const status: K8sObject = {
      observedGeneration: d.metadata?.generation ?? 1,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      // as the deployment controller computes it: wanted replicas of all ReplicaSets minus available ones
      ...(sum(specReplicas) - available > 0 ? { unavailableReplicas: sum(specReplicas) - available } : {}),
      conditions,
    };
    const revision = freshNew?.metadata?.annotations?.[REVISION];
    const fresh = store.get(R.deployments, d.metadata?.namespace, nameOf(d)) ?? d;
    if (revision && fresh.metadata?.annotations?.[REVISION] !== revision) {
      store.update(R.deployments, { ...fresh, metadata: { ...fresh.metadata, annotations: { ...fresh.metadata?.annotations, [REVISION]: revision } }, status });
      return;
    }
    writeStatus(this.ctx, R.deployments, fresh, status);
  }
}
