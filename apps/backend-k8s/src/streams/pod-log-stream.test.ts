// Pod logs through the backend against kube-sim: tail, follow, previous, download, a slow reader
// whose server memory stays flat, and a disconnect that closes the upstream within a second.
import { startKubeSim, type KubeSim } from '@k8s-console/kube-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamRequestsRunning } from './upstream-http.js';
import { BEHAVIOR, createPod, getPod, LOG_RATE } from './testing/sim-pods.js';
import { eventually, openRecorded, startStreamHarness, type StreamHarness } from './testing/stream-test-harness.js';

let sim: KubeSim;
let h: StreamHarness;
const ns = 'default';
const path = (pod: string, q: string) => `/api/v1/clusters/sim/namespaces/${ns}/pods/${pod}/log?${q}`;
const lines = (text: string) => text.split('\n').filter(Boolean);

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const m = await h.registry.getSingleMetric(name)?.get();
  const v = m?.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
  return v?.value ?? 0;
}

beforeAll(async () => {
  sim = await startKubeSim({ port: 0, seed: 'empty', podStartDelayMs: 50 });
  h = await startStreamHarness(sim);
  await createPod(sim, ns, 'web', { image: 'nginx:1.27', annotations: { [LOG_RATE]: '50' } });
  await createPod(sim, ns, 'firehose', { image: 'worker:1.0', annotations: { [LOG_RATE]: '200000' } });
});
afterAll(async () => {
  await h?.close();
  await sim?.stop();
});

describe('pod log stream', () => {
  it('sends the last N lines, then says the log ended and closes normally', async () => {
    const rec = await openRecorded(h.wsUrl + path('web', 'tailLines=5'), 'alice-token');
    const closed = await rec.closed;
    expect(closed.code).toBe(1000);
    expect(lines(rec.text())).toHaveLength(5);
    expect(rec.controls.at(-1)).toMatchObject({ type: 'end' });
  });

  it('follows: new lines keep arriving', async () => {
    const rec = await openRecorded(h.wsUrl + path('web', 'follow=true&tailLines=0&timestamps=true'), 'alice-token');
    await eventually(() => lines(rec.text()).length >= 20, '20 followed lines');
    expect(lines(rec.text())[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z /);
    expect(rec.ws.readyState).toBe(rec.ws.OPEN);
    rec.ws.close();
  });

  it('reads the previous instance of a restarted container, and explains when there is none', async () => {
    await createPod(sim, ns, 'crasher', { image: 'worker:1.0', annotations: { [BEHAVIOR]: 'crash-loop', [LOG_RATE]: '20' } });
    const none = await openRecorded(h.wsUrl + path('web', 'previous=true'), 'alice-token');
    expect((await none.closed).code).toBe(4002);
    expect(none.controls[0]).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });

    await eventually(async () => ((await getPod(sim, ns, 'crasher')).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 'a restart', 25_000);
    const prev = await openRecorded(h.wsUrl + path('crasher', 'previous=true'), 'alice-token');
    expect((await prev.closed).code).toBe(1000);
    expect(lines(prev.text()).length).toBeGreaterThan(0);
  }, 40_000);

  it('downloads the log over plain HTTP with the bearer header, streamed as a file', async () => {
    const res = await fetch(`${h.baseUrl}${path('web', 'tailLines=7').replace('/log?', '/log/download?')}`, {
      headers: { authorization: 'Bearer alice-token' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="web.log"');
    expect(lines(await res.text())).toHaveLength(7);
    const anonymous = await fetch(`${h.baseUrl}${path('web', '').replace('/log?', '/log/download?')}`);
    expect(anonymous.status).toBe(401);
  });

  it('a reader that stops reading pauses the upstream: forwarded bytes and heap stay flat', async () => {
    const rec = await openRecorded(h.wsUrl + path('firehose', 'follow=true&tailLines=0'), 'alice-token');
    await eventually(() => rec.bytes() > 1_000_000, 'the firehose flowing');
    rec.ws.pause();
    // let the kernel buffers and the socket's send queue fill up
    await new Promise((r) => setTimeout(r, 700));
    const sent1 = await metric('k8s_console_stream_bytes_total', { kind: 'log' });
    const heap1 = process.memoryUsage().heapUsed;
    await new Promise((r) => setTimeout(r, 1500));
    const sent2 = await metric('k8s_console_stream_bytes_total', { kind: 'log' });
    const heap2 = process.memoryUsage().heapUsed;
    // the generator could produce ~30 MB in that time; almost nothing may have been taken
    expect(sent2 - sent1).toBeLessThan(2 * 1024 * 1024);
    expect(heap2 - heap1).toBeLessThan(16 * 1024 * 1024);
    rec.ws.resume();
    const before = rec.bytes();
    await eventually(() => rec.bytes() > before + 1_000_000, 'the stream to flow again after resuming');
    rec.ws.close();
  });

  it('a client that goes away closes the upstream request within a second', async () => {
    const rec = await openRecorded(h.wsUrl + path('firehose', 'follow=true&tailLines=0'), 'alice-token');
    await eventually(() => rec.bytes() > 100_000, 'data');
    const upstreamRequests = () => upstreamRequestsRunning(h.cluster);
    expect(upstreamRequests()).toBeGreaterThan(0);
    expect(await metric('k8s_console_streams_open', { kind: 'log' })).toBe(1);
    rec.ws.terminate();
    await eventually(async () => upstreamRequests() === 0 && (await metric('k8s_console_streams_open', { kind: 'log' })) === 0, 'upstream closed', 1000);
  });

  it('tells the browser why when the apiserver connection breaks mid-stream', async () => {
    const rec = await openRecorded(h.wsUrl + path('web', 'follow=true&tailLines=1'), 'alice-token');
    await eventually(() => rec.bytes() > 0, 'the first line');
    sim.faults.set({ unreachable: true });
    try {
      const closed = await rec.closed;
      expect(closed.code).toBe(4002);
      expect(rec.controls.at(-1)).toMatchObject({ type: 'error', code: 'UPSTREAM_BROKEN' });
    } finally {
      sim.faults.clear();
    }
  });
});
