// The demo seed looks like a lived-in cluster; the scale seed creates running pods in bulk.
import { describe, expect, it } from 'vitest';
import { startKubeSim, type K8sObject, type KubeSimOptions } from '../../src/index.js';
import type { RuntimeOptions } from '../../src/runtime/index.js';

const until = async <T>(read: () => T, ok: (v: T) => boolean, what: string): Promise<T> => {
  for (let i = 0; i < 400; i++) {
    const v = read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('seeds', () => {
  it('demo: realistic apps, a crash loop, a pending pod, warnings and a CRD', async () => {
    const opts: KubeSimOptions & RuntimeOptions = { seed: 'demo', https: false, podStartDelayMs: 5, crashAfterMs: 20, crashBackoffBaseMs: 20 };
    const sim = await startKubeSim(opts);
    try {
      const { store } = sim;
      expect(store.list('nodes').items.map((n) => n.metadata?.name)).toEqual(['sim-worker-1', 'sim-worker-2', 'sim-worker-3']);
      expect(store.list('namespaces').items.map((n) => n.metadata?.name)).toEqual(expect.arrayContaining(['default', 'kube-system', 'shop', 'monitoring']));
      await until(() => store.get('deployments.apps', 'shop', 'frontend')?.status, (s) => s?.availableReplicas === 3, 'frontend available');
      await until(() => store.list('pods', { namespace: 'monitoring', labelSelector: 'app=node-exporter' }).items, (l) => l.length === 3, 'node-exporter on each node');
      for (const kind of ['services', 'ingresses.networking.k8s.io', 'horizontalpodautoscalers.autoscaling', 'poddisruptionbudgets.policy', 'statefulsets.apps', 'cronjobs.batch', 'configmaps', 'secrets']) {
        expect(store.count(kind, 'shop'), kind).toBeGreaterThan(0);
      }
      const crasher = await until(() => store.list('pods', { namespace: 'shop', labelSelector: 'app=payment-worker' }).items[0], (p) => (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2, 'restarts');
      expect(crasher?.status.containerStatuses[0].lastState.terminated.exitCode).toBe(1);
      const pending = await until(() => store.get('pods', 'shop', 'ml-trainer'), (p) => p?.status?.conditions?.[0]?.reason === 'Unschedulable', 'unschedulable');
      expect(pending?.status.phase).toBe('Pending');
      const warnings = store.list('events', { namespace: 'shop' }).items.filter((e: K8sObject) => e.type === 'Warning').map((e: K8sObject) => e.reason);
      expect(warnings).toEqual(expect.arrayContaining(['BackOff', 'FailedScheduling']));
      expect(store.list('backups.ops.example.com', { namespace: 'shop' }).items).toHaveLength(3);
      const nodeEvents = store.list('events', { namespace: 'default', fieldSelector: 'involvedObject.name=sim-worker-1' }).items.map((e: K8sObject) => e.reason);
      expect(nodeEvents).toEqual(['Starting', 'NodeHasSufficientMemory', 'NodeReady', 'RegisteredNode']);
      expect(store.get('endpoints', 'shop', 'frontend')?.subsets?.[0]?.addresses).toHaveLength(3);
      store.mutate('deployments.apps', 'shop', 'frontend', (d) => { d.spec.replicas = 5; });
      const hpa = await until(() => store.get('horizontalpodautoscalers.autoscaling', 'shop', 'frontend')?.status, (s) => s?.currentReplicas === 5, 'hpa follows the deployment');
      expect(hpa).toMatchObject({ desiredReplicas: 5, currentMetrics: [{ type: 'Resource' }] });
    } finally {
      await sim.stop();
    }
  });

  it('scale: running pods spread over 100 namespaces and enough nodes', async () => {
    const sim = await startKubeSim({ seed: 'scale:10000', https: false });
    try {
      const { store } = sim;
      expect(store.count('pods')).toBe(10000);
      expect(store.count('nodes')).toBe(100);
      const benchNamespaces = store.list('namespaces').items.filter((n) => n.metadata?.name?.startsWith('bench-'));
      expect(benchNamespaces).toHaveLength(100);
      expect(store.count('pods', 'bench-42')).toBe(100);
      const sample = store.list('pods', { namespace: 'bench-07', limit: 5 }).items;
      for (const p of sample) expect(p.status).toMatchObject({ phase: 'Running', containerStatuses: [{ ready: true, state: { running: {} } }] });
      // nothing for the controllers to do: the pods stay as seeded
      await new Promise((r) => setTimeout(r, 50));
      expect(store.count('events')).toBe(0);
    } finally {
      await sim.stop();
    }
  });
});
