// The kubelets of all nodes in one: takes a pod bound to a node from Pending (ContainerCreating)
// to Running and Ready after podStartDelayMs, completes run-to-completion pods, and makes
// crash-looping containers crash, back off and restart with growing restartCount, recording the
// Events a real kubelet records. Every step is derived from the pod's status plus one timer per
// pod, so it resumes correctly whatever state a seed left a pod in.
import type { K8sObject } from '../../store/k8s-object.js';
import { R } from '../runtime-store.js';
import { nameOf, nowIso, nsOf, uidOf } from '../object-helpers.js';
import { BEHAVIOR, RUN_SECONDS } from '../sim-annotations.js';
import type { ControllerContext } from './controller-context.js';

const MAX_BACKOFF_MS = 300_000;

type Containers = K8sObject[];

export class Kubelet {
  private readonly ipCounters = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext) {}

  private key(ns: string, name: string) {
    return `kubelet/${ns}/${name}`;
  }

  forget(ns: string, name: string): void {
    this.ctx.timers.clear(this.key(ns, name));
  }

  /** The pod is gone: a real kubelet stops its containers. */
  podDeleted(pod: K8sObject): void {
    this.forget(nsOf(pod), nameOf(pod));
    if (!pod.spec?.nodeName || pod.status?.phase !== 'Running') return;
    for (const c of (pod.spec.containers ?? []) as Containers) {
      this.ctx.events.record(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, this.source(pod), `spec.containers{${c.name}}`);
    }
  }

  sync(ns: string, name: string): void {
    const pod = this.ctx.store.get(R.pods, ns, name);
    const key = this.key(ns, name);
    if (!pod) return this.ctx.timers.clear(key);
    if (!pod.spec?.nodeName || pod.metadata?.deletionTimestamp) return;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return this.ctx.timers.clear(key);
    if (this.ctx.timers.has(key)) return;

    const statuses = (pod.status?.containerStatuses ?? []) as Containers;
    const { timing } = this.ctx;
    if (!statuses.length) return this.startPod(pod);
    const waiting = statuses.find((s) => s.state?.waiting);
    if (waiting?.state.waiting.reason === 'ContainerCreating') {
      this.ctx.timers.set(key, timing.podStartDelayMs, () => this.runContainers(ns, name));
      return;
    }
    if (waiting?.state.waiting.reason === 'CrashLoopBackOff') {
      this.ctx.timers.set(key, this.backoff(waiting.restartCount ?? 1), () => this.restartCrashed(ns, name));
      return;
    }
    if (phase === 'Running') this.armRunning(pod);
  }

  private source(pod: K8sObject) {
    return { component: 'kubelet', host: pod.spec?.nodeName as string };
  }

  private backoff(restarts: number): number {
    return Math.min(MAX_BACKOFF_MS, this.ctx.timing.crashBackoffBaseMs * 2 ** Math.max(0, restarts - 1));
  }

  private podIP(nodeName: string): string {
    const node = this.ctx.store.get(R.nodes, undefined, nodeName);
    const cidr = /^10\.244\.(\d+)\./.exec(String(node?.spec?.podCIDR ?? ''));
    const third = cidr ? Number(cidr[1]) : 0;
    const n = (this.ipCounters.get(nodeName) ?? 0) + 1;
    this.ipCounters.set(nodeName, n);
    return `10.244.${third}.${(n % 250) + 2}`;
  }

  private startPod(pod: K8sObject): void {
    const nodeName = pod.spec.nodeName as string;
    const node = this.ctx.store.get(R.nodes, undefined, nodeName);
    const hostIP = ((node?.status?.addresses ?? []) as K8sObject[]).find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
    const podIP = this.podIP(nodeName);
    const now = nowIso();
    const containers = (pod.spec.containers ?? []) as Containers;
    const inits = (pod.spec.initContainers ?? []) as Containers;
    const status = {
      ...pod.status,
      phase: 'Pending',
      hostIP,
      hostIPs: [{ ip: hostIP }],
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: now,
      qosClass: pod.status?.qosClass ?? qosClass(containers),
      conditions: conditions(pod, { initialized: true, ready: false, now }),
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
      })),
      ...(inits.length ? {
        initContainerStatuses: inits.map((c) => ({
          name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: 0,
          state: { waiting: { reason: 'PodInitializing' } }, lastState: {},
        })),
      } : {}),
    };
    this.ctx.store.update(R.pods, { ...pod, status });
    for (const c of containers) {
      this.ctx.events.record(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`, this.source(pod), `spec.containers{${c.name}}`);
    }
    this.ctx.timers.set(this.key(nsOf(pod), nameOf(pod)), this.ctx.timing.podStartDelayMs, () => this.runContainers(nsOf(pod), nameOf(pod)));
  }

  private runContainers(ns: string, name: string): void {
    const pod = this.ctx.store.get(R.pods, ns, name);
    if (!pod || pod.metadata?.deletionTimestamp || pod.status?.phase !== 'Pending') return;
    const now = nowIso();
    const containers = (pod.spec.containers ?? []) as Containers;
    const statuses = ((pod.status.containerStatuses ?? []) as Containers).map((s) => ({
      ...s,
      imageID: imageId(s.image),
      containerID: containerId(uidOf(pod), s.name, s.restartCount ?? 0),
      ready: true,
      started: true,
      state: { running: { startedAt: now } },
    }));
    // init containers ran to completion during the start delay
    const initStatuses = ((pod.status.initContainerStatuses ?? []) as Containers).map((s): K8sObject => ({
      ...s,
      imageID: imageId(s.image),
      containerID: containerId(uidOf(pod), s.name, 0),
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now, containerID: containerId(uidOf(pod), s.name, 0) } },
    }));
    const status: K8sObject = { ...pod.status, phase: 'Running', conditions: conditions(pod, { initialized: true, ready: true, now }), containerStatuses: statuses };
    if (initStatuses.length) status.initContainerStatuses = initStatuses;
    this.ctx.store.update(R.pods, { ...pod, status });
    for (const c of [...((pod.spec.initContainers ?? []) as Containers), ...containers]) {
      const src = this.source(pod);
      const field = `spec.containers{${c.name}}`;
      this.ctx.events.record(pod, 'Normal', 'Pulled', `Successfully pulled image "${c.image}" in 1.042s (1.042s including waiting). Image size: 48123456 bytes.`, src, field);
      this.ctx.events.record(pod, 'Normal', 'Created', `Created container ${c.name}`, src, field);
      this.ctx.events.record(pod, 'Normal', 'Started', `Started container ${c.name}`, src, field);
    }
    const updated = this.ctx.store.get(R.pods, ns, name);
    if (updated) this.armRunning(updated);
  }

  /** Sets the timer that ends a running pod's current phase, if its behaviour has one. */
  private armRunning(pod: K8sObject): void {
    const ns = nsOf(pod);
    const name = nameOf(pod);
    const behavior = pod.metadata?.annotations?.[BEHAVIOR];
    const key = this.key(ns, name);
    if (behavior === 'crash-loop') {
      this.ctx.timers.set(key, this.ctx.timing.crashAfterMs, () => this.crash(ns, name));
    } else if ((pod.spec?.restartPolicy ?? 'Always') !== 'Always') {
      const seconds = Number(pod.metadata?.annotations?.[RUN_SECONDS]);
      const ms = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : this.ctx.timing.jobRunMs;
      this.ctx.timers.set(key, ms, () => this.complete(ns, name, behavior === 'fail' ? 1 : 0));
    }
  }

  private crash(ns: string, name: string): void {
    const pod = this.ctx.store.get(R.pods, ns, name);
    if (!pod || pod.status?.phase !== 'Running' || pod.metadata?.deletionTimestamp) return;
    const now = nowIso();
    const statuses = ((pod.status.containerStatuses ?? []) as Containers).map((s): K8sObject => {
      const restarts = (s.restartCount ?? 0) + 1;
      return {
        ...s,
        ready: false,
        started: false,
        restartCount: restarts,
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: s.state?.running?.startedAt ?? now, finishedAt: now, containerID: s.containerID } },
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(this.backoff(restarts) / 1000)}s restarting failed container=${s.name} pod=${name}_${ns}(${uidOf(pod)})` } },
      };
    });
    this.ctx.store.update(R.pods, { ...pod, status: { ...pod.status, conditions: conditions(pod, { initialized: true, ready: false, now, reason: 'ContainersNotReady', notReady: statuses.map((s) => s.name) }), containerStatuses: statuses } });
    for (const s of statuses) {
      this.ctx.events.record(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${s.name} in pod ${name}_${ns}(${uidOf(pod)})`, this.source(pod), `spec.containers{${s.name}}`);
    }
    const restarts = statuses[0]?.restartCount ?? 1;
    this.ctx.timers.set(this.key(ns, name), this.backoff(restarts), () => this.restartCrashed(ns, name));
  }

  private restartCrashed(ns: string, name: string): void {
    const pod = this.ctx.store.get(R.pods, ns, name);
    if (!pod || pod.metadata?.deletionTimestamp) return;
    const now = nowIso();
    const statuses = ((pod.status?.containerStatuses ?? []) as Containers).map((s): K8sObject => ({
      ...s,
      containerID: containerId(uidOf(pod), s.name, s.restartCount ?? 0),
      ready: true,
      started: true,
      state: { running: { startedAt: now } },
    }));
    this.ctx.store.update(R.pods, { ...pod, status: { ...pod.status, phase: 'Running', conditions: conditions(pod, { initialized: true, ready: true, now }), containerStatuses: statuses } });
    for (const s of statuses) {
      const field = `spec.containers{${s.name}}`;
      this.ctx.events.record(pod, 'Normal', 'Pulled', `Container image "${s.image}" already present on machine`, this.source(pod), field);
      this.ctx.events.record(pod, 'Normal', 'Created', `Created container ${s.name}`, this.source(pod), field);
      this.ctx.events.record(pod, 'Normal', 'Started', `Started container ${s.name}`, this.source(pod), field);
    }
    this.ctx.timers.set(this.key(ns, name), this.ctx.timing.crashAfterMs, () => this.crash(ns, name));
  }

  private complete(ns: string, name: string, exitCode: number): void {
    const pod = this.ctx.store.get(R.pods, ns, name);
    if (!pod || pod.status?.phase !== 'Running') return;
    const now = nowIso();
    const statuses = ((pod.status.containerStatuses ?? []) as Containers).map((s) => ({
      ...s,
      ready: false,
      started: false,
      state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: s.state?.running?.startedAt ?? now, finishedAt: now, containerID: s.containerID } },
    }));
    const conds = conditions(pod, { initialized: true, ready: false, now, reason: 'PodCompleted' });
    this.ctx.store.update(R.pods, { ...pod, status: { ...pod.status, phase: exitCode === 0 ? 'Succeeded' : 'Failed', conditions: conds, containerStatuses: statuses } });
  }
}

function conditions(pod: K8sObject, o: { initialized: boolean; ready: boolean; now: string; reason?: string; notReady?: string[] }): K8sObject[] {
  const previous = new Map(((pod.status?.conditions ?? []) as K8sObject[]).map((c) => [c.type as string, c]));
  const cond = (type: string, status: boolean, reason?: string, message?: string): K8sObject => {
    const value = status ? 'True' : 'False';
    const prev = previous.get(type);
    const c: K8sObject = { type, status: value, lastProbeTime: null, lastTransitionTime: prev?.status === value ? prev.lastTransitionTime : o.now };
    if (!status && reason) c.reason = reason;
    if (!status && message) c.message = message;
    return c;
  };
  const names = (pod.spec?.containers ?? []).map((c: K8sObject) => c.name).join(' ');
  const message = o.reason === 'PodCompleted' ? undefined : `containers with unready status: [${(o.notReady ?? []).join(' ') || names}]`;
  const reason = o.reason ?? 'ContainersNotReady';
  return [
    cond('PodReadyToStartContainers', true),
    cond('Initialized', o.initialized),
    cond('Ready', o.ready, reason, message),
    cond('ContainersReady', o.ready, reason, message),
    previous.get('PodScheduled') ?? cond('PodScheduled', true),
  ];
}

function qosClass(containers: Containers): string {
  const all = containers.map((c) => c.resources ?? {});
  if (all.every((r) => !r.requests && !r.limits)) return 'BestEffort';
  const guaranteed = all.every((r) => r.limits?.cpu && r.limits?.memory
    && (!r.requests || (r.requests.cpu === r.limits.cpu && r.requests.memory === r.limits.memory)));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const hex = (text: string, len: number) => {
  let out = '';
  let h = 0x811c9dc5;
  while (out.length < len) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    out += (h >>> 0).toString(16).padStart(8, '0');
  }
  return out.slice(0, len);
};

export const imageId = (image: string): string => `docker.io/library/${String(image).split('/').pop()}@sha256:${hex(image, 64)}`;
export const containerId = (uid: string, name: string, instance: number): string => `containerd://${hex(`${uid}/${name}/${instance}`, 64)}`;
