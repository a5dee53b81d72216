// The scheduler: binds each pending pod to a Ready, schedulable node whose labels match the
// pod's nodeSelector and whose allocatable CPU and memory still fit the pod's requests,
// preferring the least loaded node. A pod that fits nowhere stays Pending with the
// Unschedulable condition and a FailedScheduling warning, and is retried when nodes change.
import type { K8sObject } from '../../store/k8s-object.js';
import { R } from '../runtime-store.js';
import { isPodFinished, nameOf, nowIso, nsOf, parseQuantity } from '../object-helpers.js';
import type { ControllerContext } from './controller-context.js';

const SOURCE = { component: 'default-scheduler' };

export function isNodeReady(node: K8sObject): boolean {
  return (node.status?.conditions ?? []).some((c: K8sObject) => c.type === 'Ready' && c.status === 'True');
}

export function isNodeSchedulable(node: K8sObject): boolean {
  return isNodeReady(node) && !node.spec?.unschedulable;
}

export function podRequests(pod: K8sObject): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of (pod.spec?.containers ?? []) as K8sObject[]) {
    cpu += parseQuantity(c.resources?.requests?.cpu);
    memory += parseQuantity(c.resources?.requests?.memory);
  }
  return { cpu, memory };
}

export function nodeSelectorMatches(pod: K8sObject, node: K8sObject): boolean {
  const labels = node.metadata?.labels ?? {};
  return Object.entries((pod.spec?.nodeSelector ?? {}) as Record<string, string>).every(([k, v]) => labels[k] === v);
}

// Summing every pod's requests is O(pods); with 100,000 pods that is worth reusing for a
// moment. Bindings made meanwhile are added; deletions are seen at the next recount.
const USAGE_TTL_MS = 1000;

export class Scheduler {
  private usage: { at: number; byNode: Map<string, { cpu: number; memory: number }> } | undefined;

  constructor(private readonly ctx: ControllerContext) {}

  private nodeUsage(): Map<string, { cpu: number; memory: number }> {
    if (this.usage && Date.now() - this.usage.at < USAGE_TTL_MS) return this.usage.byNode;
    const byNode = new Map<string, { cpu: number; memory: number }>();
    for (const p of this.ctx.store.list(R.pods)) {
      const n = p.spec?.nodeName;
      if (!n || isPodFinished(p)) continue;
      const u = byNode.get(n) ?? { cpu: 0, memory: 0 };
      const r = podRequests(p);
      u.cpu += r.cpu;
      u.memory += r.memory;
      byNode.set(n, u);
    }
    this.usage = { at: Date.now(), byNode };
    return byNode;
  }

  schedule(namespace: string, name: string): void {
    const { store } = this.ctx;
    const pod = store.get(R.pods, namespace, name);
    if (!pod || pod.spec?.nodeName || pod.metadata?.deletionTimestamp || isPodFinished(pod)) return;

    const nodes = store.list(R.nodes);
    const used = this.nodeUsage();
    const want = podRequests(pod);
    const reasons = new Map<string, number>();
    const why = (reason: string) => reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    let best: { node: K8sObject; load: number } | undefined;
    for (const node of nodes) {
      if (!isNodeReady(node)) { why("node(s) had untolerated taint {node.kubernetes.io/not-ready: }"); continue; }
      if (node.spec?.unschedulable) { why('node(s) were unschedulable'); continue; }
      if (!nodeSelectorMatches(pod, node)) { why("node(s) didn't match Pod's node affinity/selector"); continue; }
      const u = used.get(nameOf(node)) ?? { cpu: 0, memory: 0 };
      const cpuCap = parseQuantity(node.status?.allocatable?.cpu ?? '4');
      const memCap = parseQuantity(node.status?.allocatable?.memory ?? '16Gi');
      if (u.cpu + want.cpu > cpuCap) { why('Insufficient cpu'); continue; }
      if (u.memory + want.memory > memCap) { why('Insufficient memory'); continue; }
      const load = (u.cpu + want.cpu) / cpuCap + (u.memory + want.memory) / memCap;
      if (!best || load < best.load) best = { node, load };
    }

    const updated: K8sObject = { ...pod, spec: { ...pod.spec }, status: { ...pod.status } };
    const others = ((pod.status?.conditions ?? []) as K8sObject[]).filter((c) => c.type !== 'PodScheduled');
    if (!best) {
      const detail = [...reasons].map(([r, n]) => `${n} ${r}`).sort().join(', ');
      const message = `0/${nodes.length} nodes are available${detail ? `: ${detail}` : ''}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
      const current = ((pod.status?.conditions ?? []) as K8sObject[]).find((c) => c.type === 'PodScheduled');
      if (current?.message === message) return;
      updated.status.phase = 'Pending';
      updated.status.conditions = [...others, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: nowIso() }];
      store.update(R.pods, updated);
      this.ctx.events.record(pod, 'Warning', 'FailedScheduling', message, SOURCE);
      return;
    }
    const nodeName = nameOf(best.node);
    const u = used.get(nodeName) ?? { cpu: 0, memory: 0 };
    used.set(nodeName, { cpu: u.cpu + want.cpu, memory: u.memory + want.memory });
    updated.spec.nodeName = nodeName;
    updated.status.phase = 'Pending';
    updated.status.conditions = [...others, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowIso() }];
    store.update(R.pods, updated);
    this.ctx.events.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${nsOf(pod)}/${name} to ${nodeName}`, SOURCE);
  }
}
