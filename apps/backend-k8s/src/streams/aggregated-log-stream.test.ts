// Aggregated logs of a deployment: every pod's lines prefixed with pod/container, followed across
// a rollout (new pods join the stream, old ones leave it).
import { startKubeSim } from '@k8s-console/kube-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeployment, LOG_RATE, restartRollout, runningPods } from './testing/sim-pods.js';
import { eventually, openRecorded, startStreamHarness, type SimHandle, type StreamHarness } from './testing/stream-test-harness.js';

let sim: SimHandle;
let h: StreamHarness;
const ns = 'default';

beforeAll(async () => {
  sim = await startKubeSim({ port: 0, seed: 'empty', podStartDelayMs: 50 });
  h = await startStreamHarness(sim);
  await createDeployment(sim, ns, 'api', 2, { [LOG_RATE]: '20' });
  await eventually(async () => (await runningPods(sim, ns, 'api')).length === 2, 'two running pods', 20_000);
});
afterAll(async () => {
  await h?.close();
  await sim?.stop();
});

const prefixedPods = (text: string) =>
  new Set(
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => /^\[([^/\]]+)\/app\] /.exec(l)?.[1] ?? `UNPREFIXED:${l}`),
  );

describe('aggregated workload logs', () => {
  it('merges every pod of a deployment, each line prefixed, and follows pods across a rollout', async () => {
    const before = await runningPods(sim, ns, 'api');
    const rec = await openRecorded(`${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/logs?kind=deployment&name=api&tailLines=3`, 'alice-token');
    await eventually(() => before.every((p) => prefixedPods(rec.text()).has(p)), 'lines of both pods');
    expect([...prefixedPods(rec.text())].filter((p) => p.startsWith('UNPREFIXED'))).toEqual([]);
    expect(rec.controls.filter((c) => c.type === 'source' && c.event === 'added')).toHaveLength(2);

    await restartRollout(sim, ns, 'api');
    const after = await eventually(async () => {
      const pods = await runningPods(sim, ns, 'api');
      return pods.length === 2 && pods.every((p) => !before.includes(p)) ? pods : null;
    }, 'the rollout to replace both pods', 30_000);
    await eventually(() => after.every((p) => prefixedPods(rec.text()).has(p)), 'lines of the new pods', 10_000);
    await eventually(
      () => before.every((p) => rec.controls.some((c) => c.type === 'source' && c.event === 'removed' && c.pod === p)),
      'the old pods to leave the stream',
      15_000,
    );
    expect(rec.ws.readyState).toBe(rec.ws.OPEN);
    rec.ws.close();
  }, 60_000);

  it('accepts a label selector instead of a workload, and refuses both or neither', async () => {
    const rec = await openRecorded(`${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/logs?labelSelector=app%3Dapi`, 'alice-token');
    await eventually(() => rec.text().includes('/app] '), 'prefixed lines');
    rec.ws.close();
    await expect(openRecorded(`${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/logs`, 'alice-token')).rejects.toMatchObject({ status: 400 });
  });

  it('tells the browser when the workload does not exist', async () => {
    const rec = await openRecorded(`${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/logs?kind=statefulset&name=nope`, 'alice-token');
    expect((await rec.closed).code).toBe(4002);
    expect(rec.controls[0]).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
  });
});
