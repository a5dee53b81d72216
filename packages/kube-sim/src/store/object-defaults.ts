// Defaults a real apiserver fills in, so that objects read back look like a cluster's (kubectl
// describe and the console show them). Only missing fields are set, so it is safe on every write.
import type { ResourceDef } from '../resources/resource-def.js';
import type { K8sObject } from './k8s-object.js';

/** Hands out ClusterIPs and NodePorts, as the apiserver's allocators do. */
export class ServiceAllocator {
  private nextIp = 10;
  private nextNodePort = 30000;

  clusterIp(): string {
    const n = this.nextIp++;
    return `10.96.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
  }

  nodePort(): number {
    const port = this.nextNodePort++;
    if (this.nextNodePort > 32767) this.nextNodePort = 30000;
    return port;
  }
}

const setDefault = (obj: K8sObject, key: string, value: unknown): void => {
  if (obj[key] === undefined) obj[key] = value;
};

function defaultContainer(c: K8sObject): void {
  const image = String(c.image ?? '');
  const tag = image.includes('@') ? 'digest' : (/:([^/:]+)$/.exec(image)?.[1] ?? 'latest');
  setDefault(c, 'imagePullPolicy', tag === 'latest' ? 'Always' : 'IfNotPresent');
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'resources', {});
  for (const p of (c.ports as K8sObject[] | undefined) ?? []) setDefault(p, 'protocol', 'TCP');
}

export function defaultPodSpec(spec: K8sObject | undefined): void {
  if (!spec) return;
  for (const c of (spec.containers as K8sObject[] | undefined) ?? []) defaultContainer(c);
  for (const c of (spec.initContainers as K8sObject[] | undefined) ?? []) defaultContainer(c);
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
}

function defaultTemplate(spec: K8sObject | undefined): void {
  if (spec?.template) {
    spec.template.metadata ??= {};
    defaultPodSpec(spec.template.spec);
  }
}

export function applyDefaults(def: ResourceDef, obj: K8sObject, allocator: ServiceAllocator): void {
  if (def.custom) return;
  const key = def.group ? `${def.resource}.${def.group}` : def.resource;
  const spec = (obj.spec ??= needsSpec.has(key) ? {} : undefined) as K8sObject | undefined;
  if (spec === undefined) delete obj.spec;
  switch (key) {
    case 'namespaces': {
      obj.metadata!.labels = { ...obj.metadata!.labels, 'kubernetes.io/metadata.name': obj.metadata!.name ?? '' };
      setDefault(spec!, 'finalizers', ['kubernetes']);
      obj.status ??= { phase: 'Active' };
      break;
    }
    case 'pods':
      defaultPodSpec(spec);
      setDefault(spec!, 'serviceAccountName', 'default');
      setDefault(spec!, 'serviceAccount', spec!.serviceAccountName);
      setDefault(spec!, 'enableServiceLinks', true);
      setDefault(spec!, 'preemptionPolicy', 'PreemptLowerPriority');
      setDefault(spec!, 'priority', 0);
      break;
    case 'services': {
      setDefault(spec!, 'type', 'ClusterIP');
      setDefault(spec!, 'sessionAffinity', 'None');
      if (spec!.type !== 'ExternalName') {
        setDefault(spec!, 'clusterIP', allocator.clusterIp());
        setDefault(spec!, 'clusterIPs', [spec!.clusterIP]);
        setDefault(spec!, 'ipFamilies', ['IPv4']);
        setDefault(spec!, 'ipFamilyPolicy', 'SingleStack');
        setDefault(spec!, 'internalTrafficPolicy', 'Cluster');
      }
      for (const p of (spec!.ports as K8sObject[] | undefined) ?? []) {
        setDefault(p, 'protocol', 'TCP');
        setDefault(p, 'targetPort', p.port);
        if ((spec!.type === 'NodePort' || spec!.type === 'LoadBalancer') && p.nodePort === undefined) p.nodePort = allocator.nodePort();
      }
      if (spec!.type === 'NodePort' || spec!.type === 'LoadBalancer') setDefault(spec!, 'externalTrafficPolicy', 'Cluster');
      obj.status ??= { loadBalancer: {} };
      break;
    }
    case 'secrets': {
      setDefault(obj, 'type', 'Opaque');
      if (obj.stringData && typeof obj.stringData === 'object') {
        const data = { ...(obj.data ?? {}) } as Record<string, string>;
        for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) data[k] = Buffer.from(String(v)).toString('base64');
        obj.data = data;
        delete obj.stringData;
      }
      break;
    }
    case 'persistentvolumeclaims':
      setDefault(spec!, 'volumeMode', 'Filesystem');
      obj.status ??= { phase: 'Pending' };
      break;
    case 'persistentvolumes':
      setDefault(spec!, 'persistentVolumeReclaimPolicy', 'Retain');
      setDefault(spec!, 'volumeMode', 'Filesystem');
      obj.status ??= { phase: 'Available' };
      break;
    case 'deployments.apps':
      setDefault(spec!, 'replicas', 1);
      setDefault(spec!, 'revisionHistoryLimit', 10);
      setDefault(spec!, 'progressDeadlineSeconds', 600);
      setDefault(spec!, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
      defaultTemplate(spec);
      break;
    case 'replicasets.apps':
      setDefault(spec!, 'replicas', 1);
      defaultTemplate(spec);
      break;
    case 'statefulsets.apps':
      setDefault(spec!, 'replicas', 1);
      setDefault(spec!, 'podManagementPolicy', 'OrderedReady');
      setDefault(spec!, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
      setDefault(spec!, 'revisionHistoryLimit', 10);
      defaultTemplate(spec);
      break;
    case 'daemonsets.apps':
      setDefault(spec!, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
      setDefault(spec!, 'revisionHistoryLimit', 10);
      defaultTemplate(spec);
      break;
    case 'jobs.batch':
      setDefault(spec!, 'parallelism', 1);
      setDefault(spec!, 'completions', 1);
      setDefault(spec!, 'backoffLimit', 6);
      setDefault(spec!, 'completionMode', 'NonIndexed');
      setDefault(spec!, 'suspend', false);
      defaultTemplate(spec);
      break;
    case 'horizontalpodautoscalers.autoscaling':
      setDefault(spec!, 'minReplicas', 1);
      break;
    case 'cronjobs.batch':
      setDefault(spec!, 'concurrencyPolicy', 'Allow');
      setDefault(spec!, 'suspend', false);
      setDefault(spec!, 'successfulJobsHistoryLimit', 3);
      setDefault(spec!, 'failedJobsHistoryLimit', 1);
      if (spec!.jobTemplate?.spec) defaultTemplate(spec!.jobTemplate.spec);
      break;
  }
}

const needsSpec = new Set([
  'namespaces', 'pods', 'services', 'persistentvolumeclaims', 'persistentvolumes', 'deployments.apps',
  'replicasets.apps', 'statefulsets.apps', 'daemonsets.apps', 'jobs.batch', 'cronjobs.batch', 'horizontalpodautoscalers.autoscaling',
]);

/** Jobs get a selector on their own uid, as the apiserver generates it. */
export function defaultJobSelector(def: ResourceDef, obj: K8sObject): void {
  if (def.group !== 'batch' || def.resource !== 'jobs' || obj.spec?.manualSelector) return;
  const uid = obj.metadata?.uid ?? '';
  const name = obj.metadata?.name ?? '';
  const spec = obj.spec as K8sObject;
  spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  spec.template ??= {};
  spec.template.metadata ??= {};
  spec.template.metadata.labels = {
    ...spec.template.metadata.labels,
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
}

/** An update that omits a Service's allocated ClusterIP or NodePorts keeps the old ones, as the apiserver does. */
export function keepAllocations(def: ResourceDef, old: K8sObject, obj: K8sObject): void {
  if (def.group !== '' || def.resource !== 'services' || !obj.spec || !old.spec) return;
  const spec = obj.spec as K8sObject;
  if (spec.type === old.spec.type || spec.type === undefined) {
    if (!spec.clusterIP && old.spec.clusterIP) spec.clusterIP = old.spec.clusterIP;
    if (!spec.clusterIPs && old.spec.clusterIPs) spec.clusterIPs = old.spec.clusterIPs;
  }
  for (const p of (spec.ports as K8sObject[] | undefined) ?? []) {
    const before = ((old.spec.ports as K8sObject[] | undefined) ?? []).find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
    if (p.nodePort === undefined && before?.nodePort !== undefined) p.nodePort = before.nodePort;
  }
}
