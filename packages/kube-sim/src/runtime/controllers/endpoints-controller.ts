// Endpoints and EndpointSlices of each Service with a selector, from the pods it selects: ready
// pods as addresses, others as notReadyAddresses (ready=false in the slice), target ports
// resolved by number or by container port name.
import type { K8sObject } from '../../store/k8s-object.js';
import { deepEqual } from '../../store/json-values.js';
import { R } from '../runtime-store.js';
import { isPodFinished, isPodReady, nameOf, ownerRef, randomSuffix, uidOf } from '../object-helpers.js';
import type { ControllerContext } from './controller-context.js';

const SERVICE_NAME = 'kubernetes.io/service-name';
const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';

export function selects(service: K8sObject, labels: Record<string, string> | undefined): boolean {
  const sel = service.spec?.selector as Record<string, string> | undefined;
  if (!sel || !Object.keys(sel).length) return false;
  return Object.entries(sel).every(([k, v]) => labels?.[k] === v);
}

function targetPort(port: K8sObject, pod: K8sObject): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(String(target))) return Number(target);
  for (const c of (pod.spec?.containers ?? []) as K8sObject[]) {
    const p = ((c.ports ?? []) as K8sObject[]).find((x) => x.name === target);
    if (p) return p.containerPort;
  }
  return undefined;
}

export class EndpointsController {
  constructor(private readonly ctx: ControllerContext) {}

  serviceDeleted(service: K8sObject): void {
    this.ctx.store.remove(R.endpoints, service.metadata?.namespace, nameOf(service));
  }

  reconcile(ns: string, name: string): void {
    const { store } = this.ctx;
    const svc = store.get(R.services, ns, name);
    if (!svc || !svc.spec?.selector || !Object.keys(svc.spec.selector).length) return;
    const pods = store.list(R.pods, ns).filter((p) => selects(svc, p.metadata?.labels) && p.status?.podIP && !isPodFinished(p));
    const ports = (svc.spec?.ports ?? []) as K8sObject[];
    const ref = (p: K8sObject) => ({ kind: 'Pod', namespace: ns, name: nameOf(p), uid: uidOf(p) });
    const address = (p: K8sObject) => ({ ip: p.status.podIP, nodeName: p.spec?.nodeName, targetRef: ref(p) });
    const ready = pods.filter(isPodReady);
    const notReady = pods.filter((p) => !isPodReady(p));
    const firstPod = pods[0];
    const epPorts = ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: firstPod ? targetPort(p, firstPod) ?? p.port : p.port, protocol: p.protocol ?? 'TCP' }));

    const subsets = pods.length
      ? [{
        ...(ready.length ? { addresses: ready.map(address) } : {}),
        ...(notReady.length ? { notReadyAddresses: notReady.map(address) } : {}),
        ports: epPorts,
      }]
      : undefined;
    const existing = store.get(R.endpoints, ns, name);
    const labels = { ...(svc.metadata?.labels ?? {}), 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' };
    if (!existing) {
      store.create(R.endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, labels }, ...(subsets ? { subsets } : {}) });
    } else if (!deepEqual(existing.subsets, subsets)) {
      store.update(R.endpoints, { ...existing, subsets });
    }

    const endpoints = pods.map((p) => ({
      addresses: [p.status.podIP],
      conditions: { ready: isPodReady(p), serving: isPodReady(p), terminating: false },
      nodeName: p.spec?.nodeName,
      targetRef: ref(p),
    }));
    const slice = store.list(R.endpointSlices, ns).find((s) => s.metadata?.labels?.[SERVICE_NAME] === name && s.metadata?.labels?.[MANAGED_BY]);
    const body = { addressType: 'IPv4', endpoints, ports: epPorts };
    if (!slice) {
      store.create(R.endpointSlices, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: `${name}-${randomSuffix()}`,
          namespace: ns,
          labels: { ...(svc.metadata?.labels ?? {}), [SERVICE_NAME]: name, [MANAGED_BY]: 'endpointslice-controller.k8s.io' },
          ownerReferences: [{ ...ownerRef(svc, 'v1', 'Service') }],
        },
        ...body,
      });
    } else if (!deepEqual({ addressType: slice.addressType, endpoints: slice.endpoints ?? [], ports: slice.ports }, body)) {
      store.update(R.endpointSlices, { ...slice, ...body });
    }
  }
}
