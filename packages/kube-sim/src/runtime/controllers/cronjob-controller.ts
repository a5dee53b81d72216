// CronJob: creates a Job at each scheduled time (the latest one when several were missed),
// honours suspend and concurrencyPolicy, tracks active Jobs and the last successful time, and
// keeps only successfulJobsHistoryLimit / failedJobsHistoryLimit finished Jobs.
import type { K8sObject } from '../../store/k8s-object.js';
import { cloneJson } from '../../store/json-values.js';
import { R } from '../runtime-store.js';
import { isOwnedBy, nameOf, nowIso, ownerRef, uidOf } from '../object-helpers.js';
import type { ControllerContext } from './controller-context.js';
import { parseCron, nextRun } from './cron-schedule.js';
import { isJobFinished } from './job-controller.js';
import { writeStatus } from './replicaset-controller.js';

const SOURCE = { component: 'cronjob-controller' };
const SCHEDULED_AT = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

const succeeded = (job: K8sObject) => ((job.status?.conditions ?? []) as K8sObject[]).some((c) => c.type === 'Complete' && c.status === 'True');

export class CronJobController {
  constructor(private readonly ctx: ControllerContext, private readonly now: () => number = Date.now) {}

  reconcile(ns: string, name: string): void {
    const { store, events, timers } = this.ctx;
    const cj = store.get(R.cronJobs, ns, name);
    const timerKey = `cronjob/${ns}/${name}`;
    if (!cj) return timers.clear(timerKey);
    let schedule;
    try {
      schedule = parseCron(String(cj.spec?.schedule ?? ''));
    } catch (e) {
      events.record(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${cj.spec?.schedule}: ${(e as Error).message}`, SOURCE);
      return;
    }
    const now = this.now();
    const jobs = store.list(R.jobs, ns).filter((j) => isOwnedBy(j, cj));
    const active = jobs.filter((j) => !isJobFinished(j));
    const status: K8sObject = { ...(cj.status ?? {}) };

    for (const j of jobs.filter((x) => isJobFinished(x) && succeeded(x))) {
      const t = j.status?.completionTime;
      if (t && (!status.lastSuccessfulTime || t > status.lastSuccessfulTime)) {
        status.lastSuccessfulTime = t;
        events.record(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${nameOf(j)}, condition: Complete`, SOURCE);
      }
    }

    const last = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata?.creationTimestamp ?? new Date(now).toISOString());
    let due: number | undefined;
    for (let t = nextRun(schedule, last); t !== undefined && t <= now; t = nextRun(schedule, t)) due = t;
    if (due !== undefined && !cj.spec?.suspend) {
      const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
      if (policy === 'Forbid' && active.length) {
        events.record(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid', SOURCE);
      } else {
        if (policy === 'Replace') {
          for (const j of active) {
            store.remove(R.jobs, ns, nameOf(j));
            events.record(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${nameOf(j)}`, SOURCE);
          }
          active.length = 0;
        }
        const jobName = `${name}-${Math.floor(due / 60000)}`;
        if (!store.get(R.jobs, ns, jobName)) {
          const tpl = cloneJson(cj.spec?.jobTemplate ?? {});
          const job = store.create(R.jobs, {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: {
              name: jobName,
              namespace: ns,
              labels: tpl.metadata?.labels,
              annotations: { ...(tpl.metadata?.annotations ?? {}), [SCHEDULED_AT]: nowIso(due) },
              ownerReferences: [ownerRef(cj, 'batch/v1', 'CronJob')],
            },
            spec: tpl.spec ?? {},
          });
          active.push(job);
          events.record(cj, 'Normal', 'SuccessfulCreate', `Created job ${jobName}`, SOURCE);
        }
      }
      status.lastScheduleTime = nowIso(due);
    }

    this.pruneHistory(cj, jobs);
    status.active = active.length
      ? active.map((j) => ({ kind: 'Job', namespace: ns, name: nameOf(j), uid: uidOf(j), apiVersion: 'batch/v1', resourceVersion: j.metadata?.resourceVersion }))
      : undefined;
    writeStatus(this.ctx, R.cronJobs, store.get(R.cronJobs, ns, name) ?? cj, status);

    const next = nextRun(schedule, now);
    if (next !== undefined) timers.set(timerKey, Math.min(next - now + 50, 2 ** 31 - 1), () => this.reconcile(ns, name));
  }

  private pruneHistory(cj: K8sObject, jobs: K8sObject[]): void {
    const finished = jobs.filter(isJobFinished).sort((a, b) => String(a.status?.completionTime ?? '').localeCompare(String(b.status?.completionTime ?? '')));
    const ok = finished.filter(succeeded);
    const failed = finished.filter((j) => !succeeded(j));
    const drop = [
      ...ok.slice(0, Math.max(0, ok.length - (cj.spec?.successfulJobsHistoryLimit ?? 3))),
      ...failed.slice(0, Math.max(0, failed.length - (cj.spec?.failedJobsHistoryLimit ?? 1))),
    ];
    for (const j of drop) this.ctx.store.remove(R.jobs, j.metadata?.namespace, nameOf(j));
  }
}
