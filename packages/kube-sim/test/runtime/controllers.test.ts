// The runtime's controllers, driven through the store as a client would drive them through the
// API, checked against what a real cluster ends up with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startKubeSim, type KubeSim, type K8sObject, type KubeSimOptions } from '../../src/index.js';
import type { RuntimeOptions } from '../../src/runtime/index.js';
import { nodeObject } from '../../src/runtime/seeds/seed-nodes.js';
import { BEHAVIOR, RUN_SECONDS } from '../../src/runtime/sim-annotations.js';
import { nextRun, parseCron } from '../../src/runtime/controllers/cron-schedule.js';

let sim: KubeSim;
let core: CoreV1Api;

const until = async <T>(read: () => T, ok: (v: T) => boolean, what: string): Promise<T> => {
  for (let i = 0; i < 400; i++) {
    const v = read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify(read())?.slice(0, 500)}`);
};

const pods = (ns: string, selector?: string) => sim.store.list('pods', { namespace: ns, labelSelector: selector }).items;
const running = (ns: string, selector: string) => pods(ns, selector).filter((p) => p.status?.phase === 'Running');
const ready = (p: K8sObject) => (p.status?.conditions ?? []).some((c: K8sObject) => c.type === 'Ready' && c.status === 'True');
const events = (ns: string, name: string) => sim.store.list('events', { namespace: ns, fieldSelector: `involvedObject.name=${name}` }).items;

function namespace(name: string) {
  sim.store.create('namespaces', { metadata: { name } });
}

const template = (app: string, extra: K8sObject = {}) => ({
  metadata: { labels: { app }, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
  spec: { ...(extra.restartPolicy ? { restartPolicy: extra.restartPolicy } : {}), containers: [{ name: app, image: `example/${app}:1`, resources: { requests: { cpu: extra.cpu ?? '100m' } } }] },
});

beforeAll(async () => {
  const opts: KubeSimOptions & RuntimeOptions = { podStartDelayMs: 5, crashAfterMs: 30, crashBackoffBaseMs: 20, jobRunMs: 20 };
  sim = await startKubeSim(opts);
  for (let i = 1; i <= 3; i++) sim.store.create('nodes', nodeObject(`node-${i}`, i));
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig('sim'));
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await sim?.stop();
});

describe('scheduler and kubelet', () => {
  it('never places pods on a cordoned node and leaves a pod that fits nowhere Pending', async () => {
    namespace('sched');
    sim.store.mutate('nodes', undefined, 'node-3', (n) => { n.spec.unschedulable = true; });
    for (let i = 0; i < 6; i++) sim.store.create('pods', { metadata: { name: `p${i}`, namespace: 'sched', labels: { app: 'p' } }, spec: template('p').spec });
    sim.store.create('pods', { metadata: { name: 'huge', namespace: 'sched' }, spec: template('huge', { cpu: '100' }).spec });
    const list = await until(() => running('sched', 'app=p'), (l) => l.length === 6, 'six running pods');
    expect(new Set(list.map((p) => p.spec.nodeName))).toEqual(new Set(['node-1', 'node-2']));
    for (const p of list) {
      expect(ready(p)).toBe(true);
      expect(p.status.podIP).toMatch(/^10\.244\./);
      expect(p.status.containerStatuses[0]).toMatchObject({ ready: true, restartCount: 0, state: { running: {} } });
    }
    expect(events('sched', 'p0').map((e) => e.reason)).toEqual(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']);
    const huge = await until(() => sim.store.get('pods', 'sched', 'huge'), (p) => p?.status?.conditions?.[0]?.reason === 'Unschedulable', 'unschedulable');
    expect(huge?.spec.nodeName).toBeUndefined();
    expect(huge?.status.conditions[0].message).toMatch(/^0\/3 nodes are available: .*1 node\(s\) were unschedulable.*2 Insufficient cpu/);
    expect(events('sched', 'huge')).toMatchObject([{ type: 'Warning', reason: 'FailedScheduling' }]);
    sim.store.mutate('nodes', undefined, 'node-3', (n) => { delete n.spec.unschedulable; });
    const nodeEvents = await until(() => events('default', 'node-3').map((e) => e.reason), (r) => r.length === 2, 'cordon events');
    expect(nodeEvents).toEqual(['NodeNotSchedulable', 'NodeSchedulable']);
  });

  it('runs init containers to completion before the containers, and serves their logs', async () => {
    namespace('init');
    sim.store.create('pods', {
      metadata: { name: 'with-init', namespace: 'init' },
      spec: { initContainers: [{ name: 'migrate', image: 'example/migrate:1' }], containers: [{ name: 'app', image: 'example/app:1' }] },
    });
    const pod = await until(() => sim.store.get('pods', 'init', 'with-init'), (p) => p?.status?.phase === 'Running', 'running');
    expect(pod?.status.initContainerStatuses).toMatchObject([{ name: 'migrate', state: { terminated: { exitCode: 0, reason: 'Completed' } } }]);
    const log = await core.readNamespacedPodLog({ namespace: 'init', name: 'with-init', container: 'migrate' });
    expect(log.length).toBeGreaterThan(0);
    // one container: it is the default, init containers do not count
    expect(await core.readNamespacedPodLog({ namespace: 'init', name: 'with-init' })).toContain('starting application');
  });

  it('restarts a crash-looping container with growing restartCount, BackOff warnings and a previous log', async () => {
    namespace('crash');
    sim.store.create('pods', { metadata: { name: 'crasher', namespace: 'crash', annotations: { [BEHAVIOR]: 'crash-loop' } }, spec: template('crasher').spec });
    const pod = await until(() => sim.store.get('pods', 'crash', 'crasher'), (p) => (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2, 'two restarts');
    expect(pod?.status.containerStatuses[0].lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    const backoff = await until(() => events('crash', 'crasher').find((e) => e.reason === 'BackOff'), (e) => (e?.count ?? 0) >= 2, 'repeated BackOff');
    expect(backoff).toMatchObject({ type: 'Warning', message: expect.stringContaining('Back-off restarting failed container crasher in pod crasher_crash') });
    const previous = await core.readNamespacedPodLog({ namespace: 'crash', name: 'crasher', previous: true });
    expect(previous).toMatch(/panic: connect to database: connection refused\n$/);
    await expect(core.readNamespacedPodLog({ namespace: 'sched', name: 'p0', previous: true })).rejects.toMatchObject({ code: 400 });
  });
});

describe('workload controllers', () => {
  it('StatefulSet creates ordered pods with claims, and scales down from the highest ordinal', async () => {
    namespace('sts');
    sim.store.create('statefulsets.apps', {
      metadata: { name: 'db', namespace: 'sts' },
      spec: {
        replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db'),
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } } }],
      },
    });
    await until(() => running('sts', 'app=db'), (l) => l.length === 3 && l.every(ready), 'three db pods');
    const created = events('sts', 'db').filter((e) => e.reason === 'SuccessfulCreate' && e.message.startsWith('create Pod'));
    expect(created.map((e) => e.message)).toEqual(['create Pod db-0 in StatefulSet db successful', 'create Pod db-1 in StatefulSet db successful', 'create Pod db-2 in StatefulSet db successful']);
    expect(sim.store.list('persistentvolumeclaims', { namespace: 'sts' }).items.map((c) => c.metadata?.name)).toEqual(['data-db-0', 'data-db-1', 'data-db-2']);
    expect(sim.store.get('persistentvolumes', undefined, 'pvc-data-db-0')).toMatchObject({ spec: { claimRef: { name: 'data-db-0', namespace: 'sts' } }, status: { phase: 'Bound' } });
    const sts = await until(() => sim.store.get('statefulsets.apps', 'sts', 'db'), (s) => s?.status?.readyReplicas === 3, 'ready status');
    expect(sts?.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    sim.store.mutate('statefulsets.apps', 'sts', 'db', (s) => { s.spec.replicas = 1; });
    await until(() => pods('sts', 'app=db').map((p) => p.metadata?.name), (n) => n.length === 1 && n[0] === 'db-0', 'db-0 alone');
  });

  it('DaemonSet runs one pod per schedulable node and follows nodes coming and going', async () => {
    namespace('ds');
    sim.store.mutate('nodes', undefined, 'node-2', (n) => { n.spec.unschedulable = true; });
    sim.store.create('daemonsets.apps', { metadata: { name: 'agent', namespace: 'ds' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent') } });
    const two = await until(() => running('ds', 'app=agent'), (l) => l.length === 2, 'two agents');
    expect(two.map((p) => p.spec.nodeName).sort()).toEqual(['node-1', 'node-3']);
    sim.store.mutate('nodes', undefined, 'node-2', (n) => { delete n.spec.unschedulable; });
    sim.store.create('nodes', nodeObject('node-4', 4));
    await until(() => running('ds', 'app=agent'), (l) => l.length === 4, 'four agents');
    sim.store.delete('nodes', undefined, 'node-4');
    const ds = await until(() => sim.store.get('daemonsets.apps', 'ds', 'agent'), (d) => d?.status?.numberReady === 3 && pods('ds', 'app=agent').length === 3, 'three agents');
    expect(ds?.status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 3 });
  });

  it('Job runs pods to the wanted completions and reports Complete', async () => {
    namespace('jobs');
    sim.store.create('jobs.batch', {
      metadata: { name: 'batch', namespace: 'jobs' },
      spec: { completions: 3, parallelism: 2, template: template('batch', { restartPolicy: 'Never', annotations: { [RUN_SECONDS]: '0.02' } }) },
    });
    const job = await until(() => sim.store.get('jobs.batch', 'jobs', 'batch'), (j) => (j?.status?.conditions ?? []).some((c: K8sObject) => c.type === 'Complete'), 'Complete');
    expect(job?.status).toMatchObject({ succeeded: 3, completionTime: expect.any(String) });
    expect(pods('jobs', 'job-name=batch').map((p) => p.status.phase)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    expect(events('jobs', 'batch').map((e) => e.reason)).toContain('Completed');
  });

  it('CronJob creates a Job for a due schedule', async () => {
    namespace('cron');
    sim.store.create('cronjobs.batch', {
      metadata: { name: 'tick', namespace: 'cron' },
      spec: { schedule: '* * * * *', jobTemplate: { spec: { template: template('tick', { restartPolicy: 'OnFailure' }) } } },
    });
    // pretend the last run was two minutes ago, so a run is due now
    sim.store.updateStatus('cronjobs.batch', 'cron', 'tick', { lastScheduleTime: new Date(Date.now() - 120_000).toISOString().replace(/\.\d+Z$/, 'Z') });
    const jobs = await until(() => sim.store.list('jobs.batch', { namespace: 'cron' }).items, (l) => l.length === 1, 'a job');
    expect(jobs[0]?.metadata?.name).toMatch(/^tick-\d+$/);
    expect(jobs[0]?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'tick', controller: true });
  });

  it('parses cron schedules', () => {
    const at = Date.parse('2026-03-04T10:17:30Z');
    expect(new Date(nextRun(parseCron('*/15 * * * *'), at) ?? 0).toISOString()).toBe('2026-03-04T10:30:00.000Z');
    expect(new Date(nextRun(parseCron('0 2 * * *'), at) ?? 0).toISOString()).toBe('2026-03-05T02:00:00.000Z');
    expect(new Date(nextRun(parseCron('30 9 * * mon-fri'), Date.parse('2026-03-06T10:00:00Z')) ?? 0).toISOString()).toBe('2026-03-09T09:30:00.000Z');
    expect(new Date(nextRun(parseCron('@monthly'), at) ?? 0).toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(() => parseCron('61 * * * *')).toThrow();
  });

  it('Service endpoints follow ready pods, and evictions respect the disruption budget', async () => {
    namespace('web');
    sim.store.create('deployments.apps', { metadata: { name: 'web', namespace: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template('web') } });
    sim.store.create('services', { metadata: { name: 'web', namespace: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
    sim.store.create('poddisruptionbudgets.policy', { metadata: { name: 'web', namespace: 'web' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } });
    const ep = await until(() => sim.store.get('endpoints', 'web', 'web'), (e) => e?.subsets?.[0]?.addresses?.length === 2, 'two endpoints');
    expect(ep?.subsets[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    const slice = sim.store.list('endpointslices.discovery.k8s.io', { namespace: 'web', labelSelector: 'kubernetes.io/service-name=web' }).items[0];
    expect(slice?.endpoints).toHaveLength(2);
    await until(() => sim.store.get('poddisruptionbudgets.policy', 'web', 'web')?.status, (s) => s?.currentHealthy === 2, 'pdb status');
    expect(sim.store.get('poddisruptionbudgets.policy', 'web', 'web')?.status).toMatchObject({ disruptionsAllowed: 0, desiredHealthy: 2, expectedPods: 2 });

    const victim = running('web', 'app=web')[0]?.metadata?.name ?? '';
    const evict = () => core.createNamespacedPodEviction({ namespace: 'web', name: victim, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: victim, namespace: 'web' } } });
    await expect(evict()).rejects.toMatchObject({ code: 429, body: expect.stringContaining('disruption budget web needs 2 healthy pods and has 2 currently') });
    sim.store.mutate('poddisruptionbudgets.policy', 'web', 'web', (p) => { p.spec.minAvailable = 1; });
    await evict();
    expect(sim.store.get('pods', 'web', victim)).toBeUndefined();
    await until(() => running('web', 'app=web').filter(ready), (l) => l.length === 2, 'a replacement pod');
    await until(() => sim.store.get('endpoints', 'web', 'web'), (e) => e?.subsets?.[0]?.addresses?.length === 2 && !e.subsets[0].addresses.some((a: K8sObject) => a.targetRef.name === victim), 'endpoints without the victim');
  });
});
