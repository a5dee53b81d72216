// `scale:<pods>`: running pods spread over 100 namespaces (fewer for small counts) and enough
// nodes (100 pods each), written straight into the store already Running and Ready so that
// benchmarks start at once. Objects are created in key order, which keeps store inserts cheap.
import type { K8sObject } from '../../store/k8s-object.js';
import { R, type RuntimeStore } from '../runtime-store.js';
import { nowIso } from '../object-helpers.js';
import { nodeObject } from './seed-nodes.js';

const PODS_PER_NODE = 100;
const APPS = ['web', 'api', 'worker', 'cache', 'auth', 'search', 'billing', 'gateway', 'queue', 'metrics'];

export function seedScale(store: RuntimeStore, pods: number): void {
  const nodeCount = Math.max(1, Math.ceil(pods / PODS_PER_NODE));
  const nsCount = Math.max(1, Math.min(100, Math.ceil(pods / 10)));
  const nodeNames: string[] = [];
  const width = String(nodeCount - 1).length;
  for (let i = 0; i < nodeCount; i++) {
    const name = `node-${String(i).padStart(width, '0')}`;
    nodeNames.push(name);
    store.create(R.nodes, nodeObject(name, i, { cpu: '64', memory: '256Gi' }));
  }
  const now = nowIso();
  const perNs = Math.ceil(pods / nsCount);
  const podWidth = String(perNs - 1).length;
  let created = 0;
  for (let n = 0; n < nsCount && created < pods; n++) {
    const ns = `bench-${String(n).padStart(2, '0')}`;
    if (!store.get(R.namespaces, undefined, ns)) store.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns, purpose: 'benchmark' } } });
    for (let i = 0; i < perNs && created < pods; i++, created++) {
      const app = APPS[i % APPS.length] as string;
      const nodeIndex = created % nodeCount;
      store.create(R.pods, runningPod(ns, `${app}-${String(i).padStart(podWidth, '0')}`, app, nodeNames[nodeIndex] as string, nodeIndex, created, now));
    }
  }
}

function runningPod(ns: string, name: string, app: string, node: string, nodeIndex: number, seq: number, now: string): K8sObject {
  const podIP = `10.${100 + Math.floor(seq / 65025) % 150}.${Math.floor(seq / 255) % 255}.${(seq % 255) + 1}`;
  const hostIP = `10.0.${Math.floor(nodeIndex / 250)}.${(nodeIndex % 250) + 10}`;
  const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { app, tier: seq % 3 === 0 ? 'frontend' : 'backend' } },
    spec: {
      nodeName: node,
      containers: [{
        name: app,
        image: `registry.example.com/${app}:1.${seq % 7}.0`,
        ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
        resources: { requests: { cpu: '10m', memory: '32Mi' } },
      }],
    },
    status: {
      phase: 'Running',
      hostIP,
      hostIPs: [{ ip: hostIP }],
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: now,
      qosClass: 'Burstable',
      conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')],
      containerStatuses: [{
        name: app,
        image: `registry.example.com/${app}:1.${seq % 7}.0`,
        imageID: '',
        containerID: `containerd://${seq.toString(16).padStart(64, '0')}`,
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: now } },
        lastState: {},
      }],
    },
  };
}
