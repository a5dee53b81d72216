// Stdin flow control: kube-sim reads stdin as fast as it comes, so this test puts a slow
// apiserver in its place — a real WebSocket peer speaking v5.channel.k8s.io that stops reading.
// A paste flood must then wait in the browser's socket, not pile up in the backend.
import { EXEC_STREAM_PROTOCOL } from '@k8s-console/contracts';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { eventually, openRecorded, startStreamHarness, type StreamHarness } from './testing/stream-test-harness.js';

let apiserver: WebSocketServer;
let h: StreamHarness;
let upstream: WebSocket | undefined;
let received = 0;
let resizes = 0;

beforeAll(async () => {
  apiserver = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (offered) => (offered.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false) });
  await new Promise((r) => apiserver.once('listening', r));
  apiserver.on('connection', (ws) => {
    upstream = ws;
    // a busy apiserver: reads nothing until told to
    ws.pause();
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0) received += data.length - 1;
      if (data[0] === 4) resizes += 1;
    });
  });
  const port = (apiserver.address() as AddressInfo).port;
  h = await startStreamHarness({ url: `http://127.0.0.1:${port}`, token: 'apiserver-token', stop: async () => {} });
});
afterAll(async () => {
  await h?.close();
  await new Promise((r) => apiserver?.close(r));
});

async function toUpstream(): Promise<number> {
  const m = await h.registry.getSingleMetric('k8s_console_stream_bytes_total')?.get();
  return m?.values.find((v) => v.labels.kind === 'exec' && v.labels.direction === 'to_upstream')?.value ?? 0;
}

describe('exec stdin flow control', () => {
  it('a paste flood waits in the browser socket while the apiserver does not read, then arrives whole', async () => {
    const rec = await openRecorded(`${h.wsUrl}/api/v1/clusters/sim/namespaces/default/pods/box/exec?container=main&command=cat&tty=false`, 'alice-token', EXEC_STREAM_PROTOCOL);
    await eventually(() => rec.controls.length > 0 && upstream, 'the session to start');
    const chunk = Buffer.concat([Buffer.from([0]), Buffer.alloc(64 * 1024, 0x61)]);
    const total = 64 * 1024 * 1024;
    for (let sent = 0; sent < total; sent += 64 * 1024) rec.ws.send(chunk);

    // the bridge stops taking stdin once its socket to the apiserver is congested
    await new Promise((r) => setTimeout(r, 1000));
    const taken1 = await toUpstream();
    await new Promise((r) => setTimeout(r, 500));
    const taken2 = await toUpstream();
    expect(taken2).toBe(taken1);
    // what the bridge took is bounded by its high-water mark plus kernel buffers, far below the paste
    expect(taken2).toBeLessThan(16 * 1024 * 1024);
    expect(rec.ws.bufferedAmount).toBeGreaterThan(total / 2);

    // the apiserver catches up: everything arrives, in full
    upstream!.resume();
    await eventually(() => received === total, 'the whole paste upstream', 20_000);
    upstream!.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify({ status: 'Success' }))]));
    upstream!.close(1000);
    expect((await rec.closed).code).toBe(1000);
    expect(rec.controls.at(-1)).toMatchObject({ type: 'exit', exitCode: 0 });
  }, 40_000);

  it('a flood of resize frames waits in the browser socket as well', async () => {
    upstream = undefined;
    const rec = await openRecorded(`${h.wsUrl}/api/v1/clusters/sim/namespaces/default/pods/box/exec?container=main&command=sh&tty=true`, 'alice-token', EXEC_STREAM_PROTOCOL);
    await eventually(() => rec.controls.length > 0 && upstream, 'the session to start');
    const frames = 500_000;
    const resize = JSON.stringify({ type: 'resize', cols: 80, rows: 24 });
    for (let i = 0; i < frames; i++) rec.ws.send(resize);
    const total = rec.ws.bufferedAmount;
    await new Promise((r) => setTimeout(r, 1500));
    // the bridge stopped reading them once its socket to the apiserver was congested
    expect(rec.ws.bufferedAmount).toBeGreaterThan(total / 2);

    upstream!.resume();
    await eventually(() => resizes === frames, 'every resize upstream', 30_000);
    upstream!.close(1000);
    await rec.closed;
  }, 60_000);
});
