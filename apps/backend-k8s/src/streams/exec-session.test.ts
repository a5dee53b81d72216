// Exec through the backend against kube-sim's exec channel: output and exit codes, an interactive
// tty with resizes reaching the apiserver side, a paste much larger than any buffer arriving
// whole, cleanup when the browser goes away, and one audit record per session.
import { EXEC_STREAM_PROTOCOL } from '@k8s-console/contracts';
import { startKubeSim, type KubeSimRuntime } from '@k8s-console/kube-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPod } from './testing/sim-pods.js';
import { eventually, openRecorded, startStreamHarness, type SimHandle, type StreamHarness } from './testing/stream-test-harness.js';

let sim: SimHandle & { runtime: KubeSimRuntime };
let h: StreamHarness;
const ns = 'default';

// the pod has two containers; requests below name one, the first test leaves it out
const execUrl = (query: string) => `${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/pods/box/exec?container=main&${query}`;
const cmd = (...words: string[]) => words.map((w) => `command=${encodeURIComponent(w)}`).join('&');
const stdin = (text: string) => Buffer.concat([Buffer.from([0]), Buffer.from(text)]);
const open = (query: string) => openRecorded(execUrl(query), 'alice-token', EXEC_STREAM_PROTOCOL);

beforeAll(async () => {
  sim = await startKubeSim({ port: 0, seed: 'empty', podStartDelayMs: 50 });
  h = await startStreamHarness(sim, { execSessionsPerUser: 5 });
  await createPod(sim, ns, 'box', { image: 'alpine:3.20', containers: ['main', 'sidecar'] });
});
afterAll(async () => {
  await h?.close();
  await sim?.stop();
});

describe('exec session', () => {
  it('without a container, runs in the pod\'s default container as kubectl would (annotation, else the first)', async () => {
    const runIn = async (pod: string) => {
      const rec = await openRecorded(`${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/pods/${pod}/exec?${cmd('hostname')}&tty=false&stdin=false`, 'alice-token', EXEC_STREAM_PROTOCOL);
      await rec.closed;
      expect(rec.controls.at(-1)).toMatchObject({ type: 'exit', exitCode: 0 });
      return eventually(() => h.recorder.records.find((r) => r.pod === pod && r.endReason === 'exit'), `the record of ${pod}`);
    };
    // box has main and sidecar and no annotation: the first
    expect((await runIn('box')).container).toBe('main');
    expect(sim.runtime.execSessions.at(-1)).toMatchObject({ pod: 'box', container: 'main' });
    await createPod(sim, ns, 'annotated', { containers: ['app', 'proxy'], annotations: { 'kubectl.kubernetes.io/default-container': 'proxy' } });
    expect((await runIn('annotated')).container).toBe('proxy');
    expect(sim.runtime.execSessions.at(-1)).toMatchObject({ pod: 'annotated', container: 'proxy' });
    // an annotation naming no container of the pod is ignored, as kubectl does
    await createPod(sim, ns, 'stale-annotation', { containers: ['web', 'log'], annotations: { 'kubectl.kubernetes.io/default-container': 'gone' } });
    expect((await runIn('stale-annotation')).container).toBe('web');
  });

  it('tells the browser what the apiserver said when the exec is refused', async () => {
    const rec = await openRecorded(`${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/pods/box/exec?container=nope&${cmd('true')}`, 'alice-token', EXEC_STREAM_PROTOCOL);
    expect((await rec.closed).code).toBe(4002);
    expect(rec.controls.at(-1)).toMatchObject({ type: 'error', code: 'BAD_REQUEST', message: expect.stringContaining('nope') });
    await eventually(() => h.recorder.records.find((r) => r.endReason === 'start-failed'), 'a record of the failed start');
    const missing = await openRecorded(`${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/pods/no-such-pod/exec?${cmd('true')}`, 'alice-token', EXEC_STREAM_PROTOCOL);
    expect((await missing.closed).code).toBe(4002);
    expect(missing.controls.at(-1)).toMatchObject({ type: 'error', code: 'NOT_FOUND', message: expect.stringContaining('no-such-pod') });
  });

  it('runs a command, streams its output and reports its exit code', async () => {
    const rec = await open(`${cmd('sh', '-c', 'echo hello; exit 3')}&tty=false&stdin=false`);
    const closed = await rec.closed;
    expect(rec.data.every((f) => f[0] === 1 || f[0] === 2)).toBe(true);
    expect(Buffer.concat(rec.data.map((f) => f.subarray(1))).toString()).toBe('hello\n');
    expect(rec.controls[0]).toMatchObject({ type: 'started', command: ['sh', '-c', 'echo hello; exit 3'], protocol: 'v5.channel.k8s.io' });
    expect(rec.controls.at(-1)).toMatchObject({ type: 'exit', exitCode: 3 });
    expect(closed).toEqual({ code: 1000, reason: 'exited with code 3' });
  });

  it('reports exit code 0 for a successful command and a stderr frame for errors', async () => {
    const ok = await open(`${cmd('true')}&tty=false&stdin=false`);
    await ok.closed;
    expect(ok.controls.at(-1)).toMatchObject({ type: 'exit', exitCode: 0 });
    const missing = await open(`${cmd('no-such-program')}&tty=false&stdin=false`);
    await missing.closed;
    expect(missing.data.some((f) => f[0] === 2)).toBe(true);
    expect(missing.controls.at(-1)).toMatchObject({ type: 'exit', exitCode: 127 });
  });

  it('an interactive shell with a tty: typed input runs, resizes reach the apiserver side, exit ends it', async () => {
    const rec = await open('tty=true&cols=100&rows=30');
    await eventually(() => rec.controls.length > 0, 'the session to start');
    expect(rec.controls[0]).toMatchObject({ type: 'started', command: ['/bin/bash'] });
    const out = () => Buffer.concat(rec.data.map((f) => f.subarray(1))).toString();
    await eventually(() => out().includes('# '), 'a prompt');
    rec.ws.send(stdin('stty size\r'));
    await eventually(() => out().includes('30 100'), 'the initial size');
    rec.ws.send(JSON.stringify({ type: 'resize', cols: 132, rows: 43 }));
    rec.ws.send(stdin('stty size\r'));
    await eventually(() => out().includes('43 132'), 'the new size');
    rec.ws.send(stdin('echo hello\r'));
    await eventually(() => /\r\nhello\r\n/.test(out()), 'echo output');
    rec.ws.send(stdin('exit 7\r'));
    const closed = await rec.closed;
    expect(closed.code).toBe(1000);
    expect(rec.controls.at(-1)).toMatchObject({ type: 'exit', exitCode: 7 });

    const record = await eventually(() => h.recorder.records.find((r) => r.exitCode === 7), 'the audit record');
    expect(record).toMatchObject({
      username: 'alice',
      clusterId: 'sim',
      namespace: ns,
      pod: 'box',
      command: ['/bin/bash'],
      tty: true,
      endReason: 'exit',
    });
    expect(Date.parse(record.endedAt!)).toBeGreaterThanOrEqual(Date.parse(record.startedAt));
    // the session was on record from its start: a record with no end, written as bash started
    const start = h.recorder.records.find((r) => r.startedAt === record.startedAt && r.endedAt === null);
    expect(start).toMatchObject({ command: ['/bin/bash'], endReason: null, exitCode: null });
    expect(h.recorder.records.indexOf(start!)).toBeLessThan(h.recorder.records.indexOf(record));
  });

  it('a paste far larger than the socket buffers arrives whole and in order', async () => {
    const rec = await open(`${cmd('cat')}&tty=false`);
    const line = 'x'.repeat(1023) + '\n';
    const total = 8 * 1024 * 1024;
    // the paste goes out as fast as the client can write; the bridge must not drop or reorder it
    for (let sent = 0; sent < total; sent += 64 * 1024) rec.ws.send(stdin(line.repeat(64)));
    rec.ws.send(JSON.stringify({ type: 'close-stdin' }));
    await rec.closed;
    const echoed = Buffer.concat(rec.data.filter((f) => f[0] === 1).map((f) => f.subarray(1)));
    expect(echoed.length).toBe(total);
    expect(echoed.equals(Buffer.from(line.repeat(total / 1024)))).toBe(true);
    expect(rec.controls.at(-1)).toMatchObject({ type: 'exit', exitCode: 0 });
  });

  it('a browser that goes away ends the upstream session and is recorded as client-closed', async () => {
    const openExec = async () => {
      const m = await h.registry.getSingleMetric('k8s_console_streams_open')?.get();
      return m?.values.find((v) => v.labels.kind === 'exec')?.value ?? 0;
    };
    const before = await openExec();
    const rec = await open(`${cmd('sleep', '60')}&tty=false`);
    await eventually(() => rec.controls.length > 0, 'the session to start');
    expect(await openExec()).toBe(before + 1);
    rec.ws.terminate();
    await eventually(async () => (await openExec()) === before, 'the session closed', 1000);
    await eventually(() => h.recorder.records.find((r) => r.command.join(' ') === 'sleep 60' && r.endReason === 'client-closed'), 'the record');
  });

  it('closes an idle session with its own close code', async () => {
    const idle = await startStreamHarness(sim, { idleTimeoutMs: 300 });
    try {
      const rec = await openRecorded(
        `${idle.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/pods/box/exec?container=main&${cmd('sleep', '60')}&tty=false`,
        'alice-token',
        EXEC_STREAM_PROTOCOL,
      );
      const closed = await rec.closed;
      expect(closed.code).toBe(4008);
      expect(rec.controls.at(-1)).toMatchObject({ type: 'error', code: 'IDLE_TIMEOUT' });
      expect(idle.recorder.records.map((r) => r.endReason)).toEqual([null, 'idle-timeout']);
    } finally {
      await idle.close();
    }
  });

  it('refuses binary frames without the stdin channel byte', async () => {
    const rec = await open(`${cmd('cat')}&tty=false`);
    await eventually(() => rec.controls.length > 0, 'the session to start');
    rec.ws.send(Buffer.from([9, 1, 2]));
    expect((await rec.closed).code).toBe(4400);
    expect(rec.controls.at(-1)).toMatchObject({ type: 'error', code: 'PROTOCOL_ERROR' });
  });
});
