// Job: runs pods until `completions` of them succeeded, at most `parallelism` at a time; more
// than backoffLimit failures fail the Job. Pods finish by themselves (the kubelet completes
// run-to-completion pods after their run time).
import type { K8sObject } from '../../store/k8s-object.js';
import { R } from '../runtime-store.js';
import { isOwnedBy, isPodReady, isPodTerminating, nameOf, nowIso, ownerRef, randomSuffix, uidOf } from '../object-helpers.js';
import { podFromTemplate } from './pod-template.js';
import type { ControllerContext } from './controller-context.js';
import { writeStatus } from './replicaset-controller.js';

const SOURCE = { component: 'job-controller' };

export const isJobFinished = (job: K8sObject): boolean =>
  ((job.status?.conditions ?? []) as K8sObject[]).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

export class JobController {
  constructor(private readonly ctx: ControllerContext) {}

  reconcile(ns: string, name: string): void {
    const { store, events } = this.ctx;
    const job = store.get(R.jobs, ns, name);
    if (!job || job.metadata?.deletionTimestamp) return;
    const pods = store.list(R.pods, ns).filter((p) => isOwnedBy(p, job) && !isPodTerminating(p));
    const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
    const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
    let active = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const completions = job.spec?.completions ?? 1;
    const parallelism = job.spec?.parallelism ?? 1;
    const backoffLimit = job.spec?.backoffLimit ?? 6;
    const now = nowIso();
    const status: K8sObject = { ...(job.status ?? {}) };
    status.startTime ??= now;
    let conditions = [...((job.status?.conditions ?? []) as K8sObject[])];

    if (!isJobFinished(job) && !job.spec?.suspend) {
      if (failed > backoffLimit) {
        for (const p of active) store.remove(R.pods, ns, nameOf(p));
        active = [];
        const c = { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: now, lastTransitionTime: now };
        conditions = [...conditions, { ...c, type: 'FailureTarget' }, c];
        events.record(job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', SOURCE);
      } else if (succeeded >= completions) {
        const c = { type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now };
        conditions = [...conditions, { ...c, type: 'SuccessCriteriaMet', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
          { ...c, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }];
        status.completionTime = now;
        events.record(job, 'Normal', 'Completed', 'Job completed', SOURCE);
      } else {
        const want = Math.min(parallelism, completions - succeeded) - active.length;
        const labels = {
          'batch.kubernetes.io/controller-uid': uidOf(job),
          'batch.kubernetes.io/job-name': name,
          'controller-uid': uidOf(job),
          'job-name': name,
        };
        for (let i = 0; i < want; i++) {
          const pod = podFromTemplate(job.spec.template, ns, `${name}-${randomSuffix()}`, ownerRef(job, 'batch/v1', 'Job'), labels);
          const created = store.create(R.pods, pod);
          active.push(created);
          events.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${nameOf(created)}`, SOURCE);
        }
      }
    }
    const fresh = store.get(R.jobs, ns, name) ?? job;
    writeStatus(this.ctx, R.jobs, fresh, {
      ...status,
      conditions: conditions.length ? conditions : undefined,
      active: active.length || undefined,
      ready: active.filter(isPodReady).length,
      succeeded: succeeded || undefined,
      failed: failed || undefined,
      terminating: 0,
      uncountedTerminatedPods: {},
    });
  }
}
