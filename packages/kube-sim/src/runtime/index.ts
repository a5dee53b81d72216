// The simulated cluster behind the API: controllers (Deployment, ReplicaSet, StatefulSet,
// DaemonSet, Job, CronJob, endpoints, disruption budgets), a scheduler and kubelet, pod logs,
// pod exec and seeds. The core calls installRuntime at the end of startKubeSim and routes the
// runtime plugs the pods/log, pods/exec and pods/eviction subresources into its router.
import type { ObjectStore } from '../store/object-store.js';
import type { K8sObject } from '../store/k8s-object.js';
import type { ApiRouter } from '../api/api-router.js';
import { isDryRun, type ResourceContext } from '../api/request-context.js';
import { validateDeleteOptions, validateWriteOptions } from '../api/request-options.js';
import { parseBody, readBody, sendJson } from '../api/http-io.js';
import { badRequest, methodNotAllowed, notFound } from '../errors/status-error.js';
import { R, type ChangeType, type RuntimeStore } from './runtime-store.js';
import { adaptStore } from './store-adapter.js';
import { EventRecorder } from './event-recorder.js';
import { WorkQueue } from './work-queue.js';
import { controllerOf, nameOf, nsOf } from './object-helpers.js';
import { Timers, type ControllerContext, type RuntimeTiming } from './controllers/controller-context.js';
import { Scheduler } from './controllers/scheduler.js';
import { Kubelet } from './controllers/kubelet.js';
import { ReplicaSetController } from './controllers/replicaset-controller.js';
import { DeploymentController } from './controllers/deployment-controller.js';
import { StatefulSetController } from './controllers/statefulset-controller.js';
import { DaemonSetController } from './controllers/daemonset-controller.js';
import { JobController } from './controllers/job-controller.js';
import { CronJobController } from './controllers/cronjob-controller.js';
import { EndpointsController, selects } from './controllers/endpoints-controller.js';
import { DisruptionController } from './controllers/disruption-controller.js';
import { HpaController } from './controllers/hpa-controller.js';
import { servePodLog } from './pod-logs.js';
import { handlePodExec } from './pod-exec.js';
import { ExecServer, type ExecSessionRecord } from './exec-protocol.js';
import { ContainerFiles } from './shell/file-tree.js';
import { applySeed } from './seeds/apply-seed.js';
import { StreamClosers } from './stream-closers.js';

export type { ExecSessionRecord };

export interface RuntimeOptions extends Partial<RuntimeTiming> {
  /** `demo`, `scale:<pods>`, or `empty`/none */
  seed?: string;
  /** default log rate of every container (pods can override with an annotation) */
  logLinesPerSecond?: number;
  /** lines a container's log keeps, like the kubelet's rotation */
  logRetainLines?: number;
}

/** What installRuntime needs from the simulator (a KubeSim). */
export interface RuntimeHost {
  store: ObjectStore;
  router: Pick<ApiRouter, 'addSubresource' | 'addUpgradeSubresource'>;
}

export interface KubeSimRuntime {
  /** exec sessions so far (tests assert resizes reached the shell) */
  readonly execSessions: ExecSessionRecord[];
  /** followed log streams open right now */
  readonly openLogStreams: number;
  /** POST pods/{name}/eviction, also callable directly */
  evictPod(namespace: string, name: string): void;
  stop(): void;
}

const DEFAULT_TIMING: RuntimeTiming = { podStartDelayMs: 1000, crashAfterMs: 5000, crashBackoffBaseMs: 10_000, jobRunMs: 3000 };

/**
 * Seeds the store, starts the controllers and plugs pods/log, pods/exec and pods/eviction into
 * the router. startKubeSim calls it and calls stop() when the sim stops.
 */
export function installRuntime(sim: RuntimeHost, opts: RuntimeOptions = {}): KubeSimRuntime {
  const store = adaptStore(sim.store);
  const timing: RuntimeTiming = {
    podStartDelayMs: opts.podStartDelayMs ?? DEFAULT_TIMING.podStartDelayMs,
    crashAfterMs: opts.crashAfterMs ?? DEFAULT_TIMING.crashAfterMs,
    crashBackoffBaseMs: opts.crashBackoffBaseMs ?? DEFAULT_TIMING.crashBackoffBaseMs,
    jobRunMs: opts.jobRunMs ?? DEFAULT_TIMING.jobRunMs,
  };
  const queue = new WorkQueue((key, err) => console.error(`kube-sim runtime: reconcile ${key} failed: ${(err as Error).stack ?? err}`));
  const timers = new Timers();
  const ctx: ControllerContext = { store, events: new EventRecorder(store), queue, timers, timing };
  const logSettings = { linesPerSecond: opts.logLinesPerSecond ?? 2, retainLines: opts.logRetainLines ?? 10_000 };

  if (opts.seed && opts.seed !== 'empty') applySeed(store, opts.seed);

  const controllers = new Controllers(ctx);
  const unsubscribe = store.onChange((type, resource, obj, old) => controllers.route(type, resource, obj, old));
  controllers.resyncAll();

  const exec = new ExecServer();
  const files = new ContainerFiles();
  const forgetFiles = store.onChange((type, resource, obj) => {
    if (type === 'DELETED' && resource === R.pods) files.forgetPod(obj.metadata?.uid ?? '');
  });
  const streams = new StreamClosers();
  const podOrThrow = (ctx: ResourceContext): K8sObject => {
    const pod = store.get(R.pods, ctx.namespace, ctx.name ?? '');
    if (!pod) throw notFound({ group: '', resource: 'pods' }, ctx.name ?? '');
    return pod;
  };

  sim.router.addSubresource('pods', 'log', async (req, res, rctx) => {
    if (req.method !== 'GET') throw methodNotAllowed();
    const pod = podOrThrow(rctx);
    await servePodLog(req, res, pod, rctx.query, logSettings, () => store.get(R.pods, rctx.namespace, rctx.name ?? ''), (close) => streams.add(close));
  });
  sim.router.addSubresource('pods', 'exec', () => {
    throw badRequest('Upgrade request required');
  });
  sim.router.addUpgradeSubresource('pods', 'exec', (req, socket, head, rctx) => {
    handlePodExec(exec, files, store, req, socket, head, rctx.namespace ?? '', rctx.name ?? '', rctx.query);
  });
  sim.router.addSubresource('pods', 'eviction', async (req, res, rctx) => {
    if (req.method !== 'POST') throw methodNotAllowed();
    validateWriteOptions(rctx.query, 'CreateOptions');
    const body = parseBody(await readBody(req), req.headers['content-type']) as K8sObject;
    if (body?.deleteOptions) validateDeleteOptions(body.deleteOptions);
    if (body?.metadata?.name && body.metadata.name !== rctx.name) throw badRequest('name in URL does not match name in Eviction object');
    podOrThrow(rctx);
    if (!isDryRun(rctx.query, body?.deleteOptions)) controllers.disruption.evict(rctx.namespace ?? '', rctx.name ?? '');
    sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  });

  return {
    execSessions: exec.sessions,
    get openLogStreams() {
      return streams.size;
    },
    evictPod: (namespace, name) => controllers.disruption.evict(namespace, name),
    stop() {
      unsubscribe();
      forgetFiles();
      queue.stop();
      timers.clearAll();
      streams.closeAll();
      exec.close();
    },
  };
}

/** Routes store changes to the controllers that care, through the work queue. */
class Controllers {
  readonly scheduler: Scheduler;
  readonly kubelet: Kubelet;
  readonly replicaSets: ReplicaSetController;
  readonly deployments: DeploymentController;
  readonly statefulSets: StatefulSetController;
  readonly daemonSets: DaemonSetController;
  readonly jobs: JobController;
  readonly cronJobs: CronJobController;
  readonly endpoints: EndpointsController;
  readonly disruption: DisruptionController;
  readonly hpas: HpaController;
  private readonly store: RuntimeStore;

  constructor(private readonly ctx: ControllerContext) {
    this.store = ctx.store;
    this.scheduler = new Scheduler(ctx);
    this.kubelet = new Kubelet(ctx);
    this.replicaSets = new ReplicaSetController(ctx);
    this.deployments = new DeploymentController(ctx);
    this.statefulSets = new StatefulSetController(ctx);
    this.daemonSets = new DaemonSetController(ctx);
    this.jobs = new JobController(ctx);
    this.cronJobs = new CronJobController(ctx);
    this.endpoints = new EndpointsController(ctx);
    this.disruption = new DisruptionController(ctx);
    this.hpas = new HpaController(ctx);
  }

  private enqueue(kind: string, ns: string, name: string): void {
    const q = this.ctx.queue;
    const key = `${kind}/${ns}/${name}`;
    switch (kind) {
      case 'schedule': return q.add(key, () => this.scheduler.schedule(ns, name));
      case 'kubelet': return q.add(key, () => this.kubelet.sync(ns, name));
      case 'ReplicaSet': return q.add(key, () => this.replicaSets.reconcile(ns, name));
      case 'Deployment': return q.add(key, () => this.deployments.reconcile(ns, name));
      case 'StatefulSet': return q.add(key, () => this.statefulSets.reconcile(ns, name));
      case 'DaemonSet': return q.add(key, () => this.daemonSets.reconcile(ns, name));
      case 'Job': return q.add(key, () => this.jobs.reconcile(ns, name));
      case 'CronJob': return q.add(key, () => this.cronJobs.reconcile(ns, name));
      case 'Service': return q.add(key, () => this.endpoints.reconcile(ns, name));
      case 'PodDisruptionBudget': return q.add(key, () => this.disruption.reconcile(ns, name));
      case 'HorizontalPodAutoscaler': return q.add(key, () => this.hpas.reconcile(ns, name));
    }
  }

  private enqueueOwner(obj: K8sObject): void {
    const owner = controllerOf(obj);
    if (owner) this.enqueue(owner.kind, nsOf(obj), owner.name);
  }

  private enqueueHpas(kind: string, ns: string, name: string): void {
    for (const h of this.hpas.targeting(kind, ns, name)) this.enqueue('HorizontalPodAutoscaler', ns, nameOf(h));
  }

  route(type: ChangeType, resource: string, obj: K8sObject, old?: K8sObject): void {
    const ns = nsOf(obj);
    const name = nameOf(obj);
    switch (resource) {
      case R.pods:
        if (type === 'DELETED') this.kubelet.podDeleted(obj);
        else if (!obj.spec?.nodeName) this.enqueue('schedule', ns, name);
        else this.enqueue('kubelet', ns, name);
        this.enqueueOwner(obj);
        for (const svc of this.store.list(R.services, ns)) if (selects(svc, obj.metadata?.labels)) this.enqueue('Service', ns, nameOf(svc));
        for (const pdb of this.disruption.budgetsFor(obj)) this.enqueue('PodDisruptionBudget', ns, nameOf(pdb));
        return;
      case R.replicaSets:
        if (type !== 'DELETED') this.enqueue('ReplicaSet', ns, name);
        this.enqueueOwner(obj);
        return;
      case R.jobs:
        if (type !== 'DELETED') this.enqueue('Job', ns, name);
        this.enqueueOwner(obj);
        return;
      case R.deployments:
        if (type !== 'DELETED') this.enqueue('Deployment', ns, name);
        this.enqueueHpas('Deployment', ns, name);
        return;
      case R.statefulSets:
        if (type !== 'DELETED') this.enqueue('StatefulSet', ns, name);
        this.enqueueHpas('StatefulSet', ns, name);
        return;
      case R.hpas:
        if (type !== 'DELETED') this.enqueue('HorizontalPodAutoscaler', ns, name);
        return;
      case R.daemonSets:
        if (type !== 'DELETED') this.enqueue('DaemonSet', ns, name);
        return;
      case R.cronJobs:
        if (type === 'DELETED') this.ctx.timers.clear(`cronjob/${ns}/${name}`);
        else this.enqueue('CronJob', ns, name);
        return;
      case R.services:
        if (type === 'DELETED') this.endpoints.serviceDeleted(obj);
        else this.enqueue('Service', ns, name);
        return;
      case R.pdbs:
        if (type !== 'DELETED') this.enqueue('PodDisruptionBudget', ns, name);
        return;
      case R.nodes:
        if (type === 'MODIFIED' && Boolean(old?.spec?.unschedulable) !== Boolean(obj.spec?.unschedulable)) {
          const schedulable = !obj.spec?.unschedulable;
          this.ctx.events.record(obj, 'Normal', schedulable ? 'NodeSchedulable' : 'NodeNotSchedulable',
            `Node ${name} status is now: ${schedulable ? 'NodeSchedulable' : 'NodeNotSchedulable'}`, { component: 'kubelet', host: name });
        }
        for (const ds of this.store.list(R.daemonSets)) this.enqueue('DaemonSet', nsOf(ds), nameOf(ds));
        this.schedulePending();
        return;
    }
  }

  private schedulePending(): void {
    for (const p of this.store.list(R.pods)) {
      if (!p.spec?.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed') this.enqueue('schedule', nsOf(p), nameOf(p));
    }
  }

  /** Reconciles everything once, as controllers do when they start. */
  resyncAll(): void {
    const each = (resource: string, kind: string) => {
      for (const o of this.store.list(resource)) this.enqueue(kind, nsOf(o), nameOf(o));
    };
    each(R.deployments, 'Deployment');
    each(R.replicaSets, 'ReplicaSet');
    each(R.statefulSets, 'StatefulSet');
    each(R.daemonSets, 'DaemonSet');
    each(R.jobs, 'Job');
    each(R.cronJobs, 'CronJob');
    each(R.services, 'Service');
    each(R.pdbs, 'PodDisruptionBudget');
    each(R.hpas, 'HorizontalPodAutoscaler');
    for (const p of this.store.list(R.pods)) {
      if (!p.spec?.nodeName) this.enqueue('schedule', nsOf(p), nameOf(p));
      else if (p.status?.phase !== 'Running' || p.metadata?.annotations) this.enqueue('kubelet', nsOf(p), nameOf(p));
    }
  }
}
