// Test-only: creating pods and deployments in kube-sim and waiting for its kubelet to run them.
import { eventually, simRequest, type SimHandle } from './stream-test-harness.js';

export const LOG_RATE = 'kube-sim.k8s-console.io/log-lines-per-second';
export const BEHAVIOR = 'kube-sim.k8s-console.io/behavior';

interface PodOptions {
  image?: string;
  containers?: string[];
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

interface PodStatus {
  status?: { phase?: string; containerStatuses?: { name: string; restartCount?: number; state?: Record<string, unknown> }[] };
}

const nodesReady = new WeakMap<SimHandle, Promise<void>>();

/** An empty sim has no nodes: register one Ready node, as a kubelet would, so pods get scheduled. */
export function ensureNode(sim: SimHandle): Promise<void> {
  let ready = nodesReady.get(sim);
  if (!ready) {
    ready = (async () => {
      const res = await simRequest(sim, 'POST', '/api/v1/nodes', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1', 'kubernetes.io/os': 'linux' } },
        spec: { podCIDR: '10.244.1.0/24' },
        status: {
          capacity: { cpu: '64', memory: '256Gi', pods: '1000' },
          allocatable: { cpu: '64', memory: '256Gi', pods: '1000' },
          conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
        },
      });
      if (res.status !== 201 && res.status !== 409) throw new Error(`creating a node: ${res.status} ${JSON.stringify(res.body)}`);
    })();
    nodesReady.set(sim, ready);
  }
  return ready;
}

export async function createPod(sim: SimHandle, ns: string, name: string, o: PodOptions = {}): Promise<void> {
  await ensureNode(sim);
  const containers = (o.containers ?? ['main']).map((c) => ({ name: c, image: o.image ?? 'nginx:1.27' }));
  const res = await simRequest(sim, 'POST', `/api/v1/namespaces/${ns}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, annotations: o.annotations ?? {}, labels: o.labels ?? {} },
    spec: { containers },
  });
  if (res.status !== 201) throw new Error(`creating pod ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  await eventually(async () => {
    const pod = await simRequest<PodStatus>(sim, 'GET', `/api/v1/namespaces/${ns}/pods/${name}`);
    return pod.body.status?.phase === 'Running';
  }, `pod ${name} running`);
}

export async function getPod(sim: SimHandle, ns: string, name: string): Promise<PodStatus> {
  return (await simRequest<PodStatus>(sim, 'GET', `/api/v1/namespaces/${ns}/pods/${name}`)).body;
}

export async function deletePod(sim: SimHandle, ns: string, name: string): Promise<void> {
  await simRequest(sim, 'DELETE', `/api/v1/namespaces/${ns}/pods/${name}?gracePeriodSeconds=0`);
  await eventually(async () => (await simRequest(sim, 'GET', `/api/v1/namespaces/${ns}/pods/${name}`)).status === 404, `pod ${name} gone`);
}

export async function createDeployment(sim: SimHandle, ns: string, name: string, replicas: number, annotations: Record<string, string>): Promise<void> {
  await ensureNode(sim);
  const res = await simRequest(sim, 'POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: { containers: [{ name: 'app', image: 'worker:1.0' }] },
      },
    },
  });
  if (res.status !== 201) throw new Error(`creating deployment ${name}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Pods of the deployment that are running, by name. */
export async function runningPods(sim: SimHandle, ns: string, app: string): Promise<string[]> {
  const res = await simRequest<{ items: ({ metadata: { name: string; deletionTimestamp?: string } } & PodStatus)[] }>(
    sim,
    'GET',
    `/api/v1/namespaces/${ns}/pods?labelSelector=app%3D${app}`,
  );
  return res.body.items.filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp).map((p) => p.metadata.name);
}

/** A rollout, as `kubectl rollout restart` does it: a new template annotation. */
export async function restartRollout(sim: SimHandle, ns: string, name: string): Promise<void> {
  const res = await simRequest(
    sim,
    'PATCH',
    `/apis/apps/v1/namespaces/${ns}/deployments/${name}`,
    { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } },
    'application/strategic-merge-patch+json',
  );
  if (res.status !== 200) throw new Error(`restarting ${name}: ${res.status} ${JSON.stringify(res.body)}`);
}
