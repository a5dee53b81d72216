// Cell values of the built-in kinds' Table rows, computed as kubectl's printers
// (k8s.io/kubernetes/pkg/printers/internalversion) compute them.
import type { K8sObject } from '../store/k8s-object.js';
import { formatLabelSelector, type LabelSelectorSpec } from '../store/selectors.js';
import { age, humanDuration } from './human-duration.js';

type Cells = (obj: K8sObject, now: number) => unknown[];
type Obj = K8sObject;

const none = '<none>';
const list = (values: unknown[] | undefined, empty = none): string => (values && values.length ? values.join(',') : empty);
const meta = (o: Obj): NonNullable<Obj['metadata']> => o.metadata ?? {};
const created = (o: Obj, now: number): string => age(meta(o).creationTimestamp, now);
const containersOf = (spec: Obj | undefined): Obj[] => (spec?.containers as Obj[] | undefined) ?? [];
const names = (spec: Obj | undefined): string => containersOf(spec).map((c) => c.name).join(',');
const images = (spec: Obj | undefined): string => containersOf(spec).map((c) => c.image).join(',');
const selectorText = (sel: LabelSelectorSpec | undefined): string => (sel ? formatLabelSelector(sel) || none : none);
const mapSelector = (sel: Record<string, string> | undefined): string =>
  sel && Object.keys(sel).length ? Object.entries(sel).sort().map(([k, v]) => `${k}=${v}`).join(',') : none;
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function podStatus(pod: Obj): { ready: string; reason: string; restarts: string } {
  const status = (pod.status ?? {}) as Obj;
  const spec = (pod.spec ?? {}) as Obj;
  let reason: string = status.reason || status.phase || 'Unknown';
  let restarts = 0;
  let lastRestart = 0;
  let initializing = false;
  const initStatuses = (status.initContainerStatuses as Obj[] | undefined) ?? [];
  initStatuses.forEach((c, i) => {
    restarts += num(c.restartCount);
    const term = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (term && term.exitCode === 0) return;
    if (term) reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${(spec.initContainers as Obj[] | undefined)?.length ?? 0}`;
    initializing = true;
  });
  let ready = 0;
  const statuses = (status.containerStatuses as Obj[] | undefined) ?? [];
  if (!initializing) {
    restarts = 0;
    let hasRunning = false;
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i] as Obj;
      restarts += num(c.restartCount);
      const finishedAt = c.lastState?.terminated?.finishedAt;
      if (finishedAt) lastRestart = Math.max(lastRestart, Date.parse(finishedAt));
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated) reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const readyCond = ((status.conditions as Obj[] | undefined) ?? []).find((c) => c.type === 'Ready');
      reason = readyCond?.status === 'True' ? 'Running' : 'NotReady';
    }
  }
  if (meta(pod).deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  const restartText = lastRestart > 0 ? `${restarts} (${humanDuration(Date.now() - lastRestart)} ago)` : String(restarts);
  return { ready: `${ready}/${containersOf(spec).length}`, reason, restarts: restartText };
}

function nodeStatus(node: Obj): string {
  const conds = (node.status?.conditions as Obj[] | undefined) ?? [];
  const ready = conds.find((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(node: Obj): string {
  const roles: string[] = [];
  for (const [k, v] of Object.entries(meta(node).labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.push(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role') roles.push(v);
  }
  return roles.filter((r) => r !== '').sort().join(',') || none;
}

function address(node: Obj, type: string): string {
  return ((node.status?.addresses as Obj[] | undefined) ?? []).find((a) => a.type === type)?.address ?? none;
}

function servicePorts(svc: Obj): string {
  const ports = (svc.spec?.ports as Obj[] | undefined) ?? [];
  if (ports.length === 0) return none;
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function externalIp(svc: Obj): string {
  const spec = svc.spec ?? {};
  const ingress = ((svc.status?.loadBalancer?.ingress as Obj[] | undefined) ?? []).map((i) => i.ip ?? i.hostname);
  switch (spec.type) {
    case 'LoadBalancer': {
      const all = [...ingress, ...((spec.externalIPs as string[] | undefined) ?? [])];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? none;
    default:
      return list(spec.externalIPs as string[] | undefined);
  }
}

function endpointsText(ep: Obj): string {
  const out: string[] = [];
  for (const s of (ep.subsets as Obj[] | undefined) ?? []) {
    const ports = (s.ports as Obj[] | undefined) ?? [];
    for (const a of (s.addresses as Obj[] | undefined) ?? []) {
      if (ports.length === 0) out.push(a.ip);
      for (const p of ports) out.push(`${a.ip}:${p.port}`);
    }
  }
  if (out.length === 0) return none;
  return out.length > 3 ? `${out.slice(0, 3).join(',')} + ${out.length - 3} more...` : out.join(',');
}

function eventTimes(ev: Obj, now: number): { last: string; first: string } {
  const first = ev.firstTimestamp ?? ev.eventTime ?? meta(ev).creationTimestamp;
  const last = ev.lastTimestamp ?? ev.series?.lastObservedTime ?? ev.eventTime ?? first;
  return { first: age(first, now), last: age(last, now) };
}

function accessModes(modes: string[] | undefined): string {
  const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
  return (modes ?? []).map((m) => short[m] ?? m).join(',');
}

function hpaTargets(hpa: Obj): string {
  // autoscaling/v1 shows one CPU target
  if (hpa.spec?.targetCPUUtilizationPercentage !== undefined) {
    const current = hpa.status?.currentCPUUtilizationPercentage;
    return `${current !== undefined ? `${current}%` : '<unknown>'}/${hpa.spec.targetCPUUtilizationPercentage}%`;
  }
  const metrics = (hpa.spec?.metrics as Obj[] | undefined) ?? [];
  const current = (hpa.status?.currentMetrics as Obj[] | undefined) ?? [];
  if (metrics.length === 0) return none;
  return metrics.map((m, i) => {
    if (m.type === 'Resource') {
      const target = m.resource?.target ?? {};
      const cur = current[i]?.resource?.current;
      if (target.averageUtilization !== undefined) return `${m.resource.name}: ${cur?.averageUtilization !== undefined ? `${cur.averageUtilization}%` : '<unknown>'}/${target.averageUtilization}%`;
      return `${m.resource.name}: ${cur?.averageValue ?? '<unknown>'}/${target.averageValue ?? target.value}`;
    }
    return `<unknown>/${JSON.stringify(m[String(m.type).charAt(0).toLowerCase() + String(m.type).slice(1)]?.target ?? {})}`;
  }).join(', ');
}

function jobDuration(job: Obj, now: number): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : now;
  return humanDuration(end - Date.parse(start));
}

function subjects(binding: Obj, kind: string): string {
  return ((binding.subjects as Obj[] | undefined) ?? [])
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
    .join(', ');
}

const cellsByResource: Record<string, Cells> = {
  pods: (o, now) => {
    const s = podStatus(o);
    const gates = (o.spec?.readinessGates as Obj[] | undefined) ?? [];
    const conds = (o.status?.conditions as Obj[] | undefined) ?? [];
    const gatesText = gates.length ? `${gates.filter((g) => conds.find((c) => c.type === g.conditionType)?.status === 'True').length}/${gates.length}` : none;
    return [meta(o).name, s.ready, s.reason, s.restarts, created(o, now), o.status?.podIP || none, o.spec?.nodeName || none, o.status?.nominatedNodeName || none, gatesText];
  },
  namespaces: (o, now) => [meta(o).name, o.status?.phase ?? 'Active', created(o, now)],
  nodes: (o, now) => [
    meta(o).name, nodeStatus(o), nodeRoles(o), created(o, now), o.status?.nodeInfo?.kubeletVersion ?? '',
    address(o, 'InternalIP'), address(o, 'ExternalIP'), o.status?.nodeInfo?.osImage ?? '<unknown>',
    o.status?.nodeInfo?.kernelVersion ?? '<unknown>', o.status?.nodeInfo?.containerRuntimeVersion ?? '<unknown>',
  ],
  services: (o, now) => [
    meta(o).name, o.spec?.type ?? 'ClusterIP', o.spec?.clusterIP || none, externalIp(o), servicePorts(o), created(o, now), mapSelector(o.spec?.selector),
  ],
  endpoints: (o, now) => [meta(o).name, endpointsText(o), created(o, now)],
  configmaps: (o, now) => [meta(o).name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, created(o, now)],
  secrets: (o, now) => [meta(o).name, o.type ?? 'Opaque', Object.keys(o.data ?? {}).length, created(o, now)],
  serviceaccounts: (o, now) => [meta(o).name, ((o.secrets as unknown[] | undefined) ?? []).length, created(o, now)],
  events: (o, now) => {
    const t = eventTimes(o, now);
    const io = o.involvedObject ?? {};
    const source = o.source?.component ? `${o.source.component}${o.source.host ? `, ${o.source.host}` : ''}` : (o.reportingComponent ?? '');
    return [t.last, o.type ?? '', o.reason ?? '', `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`, io.fieldPath ?? '', source, String(o.message ?? '').trim(), t.first, String(o.count ?? o.series?.count ?? 1), meta(o).name];
  },
  persistentvolumes: (o, now) => {
    const claim = o.spec?.claimRef ? `${o.spec.claimRef.namespace}/${o.spec.claimRef.name}` : '';
    return [meta(o).name, o.spec?.capacity?.storage ?? '', accessModes(o.spec?.accessModes), o.spec?.persistentVolumeReclaimPolicy ?? '', o.status?.phase ?? '', claim, o.spec?.storageClassName ?? '', o.status?.reason ?? '', created(o, now), o.spec?.volumeMode ?? 'Filesystem'];
  },
  persistentvolumeclaims: (o, now) => {
    const bound = o.status?.phase === 'Bound';
    return [meta(o).name, o.status?.phase ?? '', o.spec?.volumeName ?? '', bound ? (o.status?.capacity?.storage ?? '') : '', bound ? accessModes(o.status?.accessModes) : '', o.spec?.storageClassName ?? '', created(o, now), o.spec?.volumeMode ?? 'Filesystem'];
  },
  deployments: (o, now) => [
    meta(o).name, `${num(o.status?.readyReplicas)}/${num(o.spec?.replicas)}`, num(o.status?.updatedReplicas), num(o.status?.availableReplicas),
    created(o, now), names(o.spec?.template?.spec), images(o.spec?.template?.spec), selectorText(o.spec?.selector),
  ],
  replicasets: (o, now) => [
    meta(o).name, num(o.spec?.replicas), num(o.status?.replicas), num(o.status?.readyReplicas), created(o, now),
    names(o.spec?.template?.spec), images(o.spec?.template?.spec), selectorText(o.spec?.selector),
  ],
  replicationcontrollers: (o, now) => [
    meta(o).name, num(o.spec?.replicas), num(o.status?.replicas), num(o.status?.readyReplicas), created(o, now),
    names(o.spec?.template?.spec), images(o.spec?.template?.spec), mapSelector(o.spec?.selector),
  ],
  statefulsets: (o, now) => [
    meta(o).name, `${num(o.status?.readyReplicas)}/${num(o.spec?.replicas)}`, created(o, now), names(o.spec?.template?.spec), images(o.spec?.template?.spec),
  ],
  daemonsets: (o, now) => [
    meta(o).name, num(o.status?.desiredNumberScheduled), num(o.status?.currentNumberScheduled), num(o.status?.numberReady),
    num(o.status?.updatedNumberScheduled), num(o.status?.numberAvailable), mapSelector(o.spec?.template?.spec?.nodeSelector),
    created(o, now), names(o.spec?.template?.spec), images(o.spec?.template?.spec), selectorText(o.spec?.selector),
  ],
  jobs: (o, now) => {
    const completions = o.spec?.completions !== undefined ? `${num(o.status?.succeeded)}/${o.spec.completions}` : `${num(o.status?.succeeded)}/1 of ${num(o.spec?.parallelism)}`;
    return [meta(o).name, completions, jobDuration(o, now), created(o, now), names(o.spec?.template?.spec), images(o.spec?.template?.spec), selectorText(o.spec?.selector)];
  },
  cronjobs: (o, now) => [
    meta(o).name, o.spec?.schedule ?? '', Boolean(o.spec?.suspend), ((o.status?.active as unknown[] | undefined) ?? []).length,
    o.status?.lastScheduleTime ? age(o.status.lastScheduleTime, now) : none, created(o, now),
    names(o.spec?.jobTemplate?.spec?.template?.spec), images(o.spec?.jobTemplate?.spec?.template?.spec), selectorText(o.spec?.jobTemplate?.spec?.selector),
  ],
  horizontalpodautoscalers: (o, now) => [
    meta(o).name, `${o.spec?.scaleTargetRef?.kind ?? ''}/${o.spec?.scaleTargetRef?.name ?? ''}`, hpaTargets(o),
    o.spec?.minReplicas !== undefined ? String(o.spec.minReplicas) : '<unset>', String(o.spec?.maxReplicas ?? ''), String(num(o.status?.currentReplicas)), created(o, now),
  ],
  poddisruptionbudgets: (o, now) => [
    meta(o).name, o.spec?.minAvailable !== undefined ? String(o.spec.minAvailable) : 'N/A', o.spec?.maxUnavailable !== undefined ? String(o.spec.maxUnavailable) : 'N/A',
    num(o.status?.disruptionsAllowed), created(o, now),
  ],
  ingresses: (o, now) => {
    const hosts = ((o.spec?.rules as Obj[] | undefined) ?? []).map((r) => r.host).filter(Boolean);
    const addresses = ((o.status?.loadBalancer?.ingress as Obj[] | undefined) ?? []).map((i) => i.ip ?? i.hostname);
    return [meta(o).name, o.spec?.ingressClassName ?? none, hosts.length ? hosts.join(',') : '*', addresses.join(','), o.spec?.tls?.length ? '80, 443' : '80', created(o, now)];
  },
  ingressclasses: (o, now) => {
    const p = o.spec?.parameters;
    return [meta(o).name, o.spec?.controller ?? '', p ? `${p.kind}/${p.name}` : none, created(o, now)];
  },
  networkpolicies: (o, now) => [meta(o).name, formatLabelSelector(o.spec?.podSelector) || none, created(o, now)],
  endpointslices: (o, now) => {
    const ports = ((o.ports as Obj[] | undefined) ?? []).map((p) => p.port);
    const addrs = ((o.endpoints as Obj[] | undefined) ?? []).flatMap((e) => (e.addresses as string[] | undefined) ?? []);
    const text = addrs.length > 3 ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...` : addrs.join(',') || none;
    return [meta(o).name, o.addressType ?? '', ports.length ? ports.join(',') : none, text, created(o, now)];
  },
  storageclasses: (o, now) => [
    `${meta(o).name}${meta(o).annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' ? ' (default)' : ''}`,
    o.provisioner ?? '', o.reclaimPolicy ?? 'Delete', o.volumeBindingMode ?? 'Immediate', Boolean(o.allowVolumeExpansion), created(o, now),
  ],
  rolebindings: (o, now) => [meta(o).name, `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`, created(o, now), subjects(o, 'User'), subjects(o, 'Group'), subjects(o, 'ServiceAccount')],
  clusterrolebindings: (o, now) => [meta(o).name, `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`, created(o, now), subjects(o, 'User'), subjects(o, 'Group'), subjects(o, 'ServiceAccount')],
  resourcequotas: (o, now) => {
    const pairs = (part: Record<string, string> | undefined, filter: (k: string) => boolean): string =>
      Object.keys(part ?? {}).filter(filter).sort().map((k) => `${k}: ${o.status?.used?.[k] ?? '0'}/${part?.[k]}`).join(', ');
    const hard = o.spec?.hard as Record<string, string> | undefined;
    return [meta(o).name, created(o, now), pairs(hard, (k) => !k.startsWith('limits.')), pairs(hard, (k) => k.startsWith('limits.'))];
  },
  podtemplates: (o) => [meta(o).name, names(o.template?.spec), images(o.template?.spec), mapSelector(o.template?.metadata?.labels)],
  controllerrevisions: (o, now) => {
    const owner = meta(o).ownerReferences?.find((r) => r.controller);
    return [meta(o).name, owner ? `${owner.kind.toLowerCase()}.${owner.apiVersion.split('/')[0]}/${owner.name}` : none, num(o.revision), created(o, now)];
  },
  leases: (o, now) => [meta(o).name, o.spec?.holderIdentity ?? '', created(o, now)],
  priorityclasses: (o, now) => [meta(o).name, num(o.value), Boolean(o.globalDefault), created(o, now), o.preemptionPolicy ?? 'PreemptLowerPriority'],
};

/** Cells for a built-in kind's row, or undefined when it prints the default Name + Created At. */
export function builtinCells(resource: string, obj: K8sObject, now: number): unknown[] | undefined {
  return cellsByResource[resource]?.(obj, now);
}
