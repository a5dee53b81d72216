// The quickstart's demo row: added when no cluster exists, repointed at each run's sim, and
// never added beside clusters people registered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDemoCluster } from '../src/quickstart/demo-cluster.js';
import { buildTestApp, type TestApp } from './test-app.js';
import { kubeconfigFor, startFakeApiserver, type FakeApiserver } from './fake-apiserver.js';

describe('quickstart demo cluster', () => {
  let t: TestApp;
  let firstSim: FakeApiserver;
  let secondSim: FakeApiserver;
  beforeAll(async () => {
    t = await buildTestApp();
    firstSim = await startFakeApiserver({ tls: true });
    secondSim = await startFakeApiserver({ tls: true });
  });
  afterAll(async () => {
    await t.close();
    await firstSim.close();
    await secondSim.close();
  });

  it('registers the sim as "demo" when there is no cluster', async () => {
    expect(await registerDemoCluster(t.app, kubeconfigFor(firstSim.url, { caPem: firstSim.caPem }))).toContain('registered');
    const [demo] = await t.app.clusterRegistry.store.list();
    expect(demo).toMatchObject({ name: 'demo', server: firstSim.url, managed_by: 'quickstart', health_status: 'ok' });
  });

  it('on the next start points the same row at the new sim', async () => {
    const before = (await t.app.clusterRegistry.store.list())[0]!;
    await registerDemoCluster(t.app, kubeconfigFor(secondSim.url, { caPem: secondSim.caPem }));
    const rows = await t.app.clusterRegistry.store.list();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: before.id, server: secondSim.url, version: before.version + 1, health_status: 'ok' });
    expect((await t.app.clusterConnections.get(before.id)).credentials.server).toBe(secondSim.url);
  });

  it('adds nothing when people have their own clusters and removed the demo', async () => {
    const demo = (await t.app.clusterRegistry.store.list())[0]!;
    await t.app.clusterRegistry.create({ name: 'mine', kubeconfig: kubeconfigFor(firstSim.url, { caPem: firstSim.caPem }) }, { username: 'admin', skipTest: false });
    await t.app.clusterRegistry.remove(demo.id);
    expect(await registerDemoCluster(t.app, kubeconfigFor(firstSim.url, { caPem: firstSim.caPem }))).toContain('no demo cluster added');
    expect((await t.app.clusterRegistry.store.list()).map((r) => r.name)).toEqual(['mine']);
  });
});

describe('quickstart demo cluster with the real kube-sim', () => {
  it('registers kube-sim and reads its version', async () => {
    const { startKubeSim } = await import('@k8s-console/kube-sim');
    const sim = await startKubeSim({ seed: 'empty', port: 0 });
    const t = await buildTestApp();
    try {
      await registerDemoCluster(t.app, sim.kubeconfig('demo'));
      const [demo] = await t.app.clusterRegistry.store.list();
      expect(demo).toMatchObject({ name: 'demo', server: sim.url, health_status: 'ok' });
      expect(demo!.k8s_version).toMatch(/^v1\.\d+/);
      expect(t.logs.join('\n')).not.toContain(sim.token);
    } finally {
      await t.close();
      await sim.stop();
    }
  });
});
