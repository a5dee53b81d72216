// Cordon, uncordon and drain. Drain is kubectl's: cordon, then evict every pod on the node
// through pods/eviction so PodDisruptionBudgets are respected; DaemonSet and mirror pods are left,
// and so are pods no controller manages (nothing would recreate them) unless forced,
// and whatever the cluster refused (429 from a budget, 403, ...) is listed, not retried forever:
// a refusal by a budget is retried for waitForBudgetsSeconds when asked, as kubectl drain waits.
import type { DrainRequest, DrainResult } from '@k8s-console/contracts';
import { KubeApiError } from '../kube-access.js';
import { resourcePath, type ActionContext } from './action-context.js';

interface Pod {
  metadata: { name: string; namespace: string; annotations?: Record<string, string>; ownerReferences?: { kind: string; controller?: boolean }[] };
  spec?: { volumes?: { emptyDir?: unknown }[] };
  status?: { phase?: string };
}

export async function setUnschedulable(ctx: ActionContext, node: string, unschedulable: boolean): Promise<unknown> {
  await ctx.authorize({ verb: 'patch', apiGroup: '', apiVersion: 'v1', resource: 'nodes', name: node });
  return ctx.json(resourcePath({ group: '', version: 'v1', resource: 'nodes', name: node }), {
    method: 'PATCH',
    contentType: 'application/merge-patch+json',
    // null removes the field, as `kubectl uncordon` leaves it
    body: { spec: { unschedulable: unschedulable ? true : null } },
  });
}

async function mapLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}

/** How often an eviction a disruption budget refused is tried again (kubectl: 5 s). */
const BUDGET_RETRY_MS = 2000;

export async function drainNode(ctx: ActionContext, req: DrainRequest): Promise<DrainResult> {
  // Check everything the drain needs before changing anything.
  await ctx.authorize({ verb: 'list', apiGroup: '', apiVersion: 'v1', resource: 'pods' });
  await setUnschedulable(ctx, req.node, true);
  const result: DrainResult = { node: req.node, cordoned: true, evicted: [], skipped: [], failed: [] };

  const selector = new URLSearchParams({ fieldSelector: `spec.nodeName=${req.node}` });
  const list = await ctx.json<{ items: Pod[] }>(`/api/v1/pods?${selector}`);
  const toEvict: Pod[] = [];
  for (const pod of list.items) {
    const ref = { namespace: pod.metadata.namespace, name: pod.metadata.name };
    // the controller is the owner marked so; other owners do not recreate the pod
    const controller = pod.metadata.ownerReferences?.find((o) => o.controller === true);
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (pod.metadata.annotations?.['kubernetes.io/config.mirror']) {
      result.skipped.push({ ...ref, reason: 'mirror pod: managed by the kubelet' });
    } else if (controller?.kind === 'DaemonSet') {
      if (req.ignoreDaemonSets === false) {
        result.failed.push({ ...ref, code: 0, reason: 'DaemonSetPod', message: 'owned by a DaemonSet, which would recreate it; drain with ignoreDaemonSets' });
      } else result.skipped.push({ ...ref, reason: 'owned by a DaemonSet' });
    } else if (!controller && !finished && !req.force) {
      result.skipped.push({ ...ref, reason: 'no controller manages it: nothing would recreate it; drain with force to evict it anyway' });
    } else if (!req.deleteEmptyDirData && pod.spec?.volumes?.some((v) => v.emptyDir !== undefined) && !finished) {
      result.skipped.push({ ...ref, reason: 'uses emptyDir storage that eviction would delete; drain with deleteEmptyDirData' });
    } else toEvict.push(pod);
  }
  // As kubectl drain: a pod the drain was told not to leave (a DaemonSet's, without
  // ignoreDaemonSets) stops it before any eviction; the node stays cordoned.
  if (result.failed.length > 0) toEvict.length = 0;

  const waitUntil = Date.now() + (req.waitForBudgetsSeconds ?? 0) * 1000;
  const allowedIn = new Map<string, Promise<{ allowed: boolean; reason?: string }>>();
  await mapLimited(toEvict, 8, async (pod) => {
    const ref = { namespace: pod.metadata.namespace, name: pod.metadata.name };
    let decision = allowedIn.get(ref.namespace);
    if (!decision) {
      decision = ctx.allowed({ verb: 'create', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: 'eviction', namespace: ref.namespace });
      allowedIn.set(ref.namespace, decision);
    }
    const d = await decision;
    if (!d.allowed) {
      result.failed.push({ ...ref, code: 403, reason: 'Forbidden', message: `not allowed to evict pods in namespace "${ref.namespace}": ${d.reason}` });
      return;
    }
    const eviction: Record<string, unknown> = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: ref };
    if (req.gracePeriodSeconds !== undefined) eviction.deleteOptions = { gracePeriodSeconds: req.gracePeriodSeconds };
    const path = resourcePath({ group: '', version: 'v1', resource: 'pods', ...ref, subresource: 'eviction' });
    for (;;) {
      try {
        await ctx.json(path, { method: 'POST', body: eviction });
        result.evicted.push(ref);
      } catch (err) {
        // 429: a disruption budget allows no eviction now; it may once replacements are ready
        if (err instanceof KubeApiError && err.statusCode === 429 && Date.now() + BUDGET_RETRY_MS <= waitUntil) {
          await new Promise((resolve) => setTimeout(resolve, BUDGET_RETRY_MS));
          continue;
        }
        if (err instanceof KubeApiError && err.statusCode === 404) result.evicted.push(ref); // already gone
        else if (err instanceof KubeApiError) result.failed.push({ ...ref, code: err.statusCode, reason: err.reason ?? 'Error', message: err.message });
        else result.failed.push({ ...ref, code: 502, reason: 'Unreachable', message: (err as Error).message });
      }
      return;
    }
  });
  const byName = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
    a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
  result.evicted.sort(byName);
  result.failed.sort(byName);
  result.skipped.sort(byName);
  return result;
}
