// Aggregated logs of a deployment: every pod's lines prefixed with pod/container, followed across
// a rollout (new pods join the stream, old ones leave it).
import { startKubeSim } from '@k8s-console/kube-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrefixedLines } from './aggregated-log-stream.js';
import { createDeployment, LOG_RATE, restartRollout, runningPods } from './testing/sim-pods.js';
import { eventually, openRecorded, startStreamHarness, type SimHandle, type StreamHarness } from './testing/stream-test-harness.js';

let sim: SimHandle;
let h: StreamHarness;
const ns = 'default';

beforeAll(async () => {
  sim = await startKubeSim({ port: 0, seed: 'empty', podStartDelayMs: 50 });
  h = await startStreamHarness(sim, { logSourcesPerStream: 3, logStreamsPerUser: 4 });
  await createDeployment(sim, ns, 'api', 2, { [LOG_RATE]: '20' });
  await createDeployment(sim, ns, 'wide', 5, { [LOG_RATE]: '5' });
  await createDeployment(sim, ns, 'flood', 2, { [LOG_RATE]: '100000' });
  await eventually(async () => (await runningPods(sim, ns, 'api')).length === 2, 'two running pods', 20_000);
  await eventually(async () => (await runningPods(sim, ns, 'wide')).length === 5, 'five running wide pods', 20_000);
  await eventually(async () => (await runningPods(sim, ns, 'flood')).length === 2, 'two running flood pods', 20_000);
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

  it('follows at most LOG_SOURCES_PER_STREAM containers and tells the browser how many it skipped', async () => {
    const rec = await openRecorded(`${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/logs?kind=deployment&name=wide&tailLines=1`, 'alice-token');
    const notice = await eventually(() => rec.controls.find((c) => c.type === 'notice'), 'a notice');
    expect(notice).toMatchObject({ code: 'TOO_MANY_SOURCES', message: expect.stringMatching(/^2 more container\(s\) match but are not shown: merged logs follow at most 3\./) });
    expect(rec.controls.filter((c) => c.type === 'source' && c.event === 'added')).toHaveLength(3);
    await eventually(() => prefixedPods(rec.text()).size === 3, 'lines of three pods');
    rec.ws.close();
  });

  it('a reader that stops reading pauses every source: forwarded bytes and heap stay flat', async () => {
    const sent = async () => {
      const m = await h.registry.getSingleMetric('k8s_console_stream_bytes_total')?.get();
      return m?.values.find((v) => v.labels.kind === 'aggregated-log')?.value ?? 0;
    };
    const rec = await openRecorded(`${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/logs?kind=deployment&name=flood&tailLines=0`, 'alice-token');
    await eventually(() => rec.bytes() > 1_000_000, 'the flood flowing');
    rec.ws.pause();
    await new Promise((r) => setTimeout(r, 700));
    const sent1 = await sent();
    const heap1 = process.memoryUsage().heapUsed;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await sent()) - sent1).toBeLessThan(2 * 1024 * 1024);
    expect(process.memoryUsage().heapUsed - heap1).toBeLessThan(16 * 1024 * 1024);
    rec.ws.resume();
    const before = rec.bytes();
    await eventually(() => rec.bytes() > before + 1_000_000, 'the stream to flow again after resuming');
    rec.ws.close();
  });

  it('refuses a log stream beyond LOG_STREAMS_PER_USER with 429, and takes one again once a stream closed', async () => {
    const url = `${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/logs?kind=deployment&name=api&tailLines=1`;
    const open = await Promise.all([1, 2, 3, 4].map(() => openRecorded(url, 'bob-token')));
    await expect(openRecorded(url, 'bob-token')).rejects.toMatchObject({ status: 429 });
    // another user is not held to bob's count
    const alice = await openRecorded(url, 'alice-token');
    alice.ws.close();
    open[0]!.ws.close();
    await open[0]!.closed;
    const again = await eventually(() => openRecorded(url, 'bob-token').catch(() => null), 'a slot given back');
    for (const rec of [...open, again]) rec.ws.close();
  });
});

describe('PrefixedLines', () => {
  const prefix = `[${'p'.repeat(253)}/${'c'.repeat(63)}] `;

  it('sends a chunk of empty lines frame by frame instead of expanding it at once', () => {
    const lines = new PrefixedLines(prefix);
    lines.push('\n'.repeat(64 * 1024));
    const frames: Buffer[] = [];
    for (let f = lines.nextFrame(64 * 1024); f; f = lines.nextFrame(64 * 1024)) frames.push(f);
    expect(Math.max(...frames.map((f) => f.length))).toBeLessThanOrEqual(64 * 1024 + prefix.length + 1);
    const text = Buffer.concat(frames).toString();
    expect(text.split('\n').slice(0, -1)).toEqual(Array(64 * 1024).fill(prefix));
    expect(lines.empty).toBe(true);
  });

  it('keeps a line without its newline until it ends, and cuts a runaway line', () => {
    const lines = new PrefixedLines('[a/b] ');
    lines.push('one\ntw');
    expect(lines.nextFrame(1024)?.toString()).toBe('[a/b] one\n');
    expect(lines.nextFrame(1024)).toBeNull();
    lines.push('o\nthr');
    expect(lines.nextFrame(1024)?.toString()).toBe('[a/b] two\n');
    expect(lines.rest()?.toString()).toBe('[a/b] thr\n');
    lines.push('x'.repeat(64 * 1024 + 1));
    expect(lines.nextFrame(1024)?.toString()).toBe(`[a/b] ${'x'.repeat(64 * 1024 + 1)}\n`);
  });
});
