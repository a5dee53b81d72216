// Log and exec stream benchmarks, each against a reference measured in the same run:
//  - log throughput: through the backend's log WebSocket vs `kubectl logs -f` vs kube-sim directly
//  - exec keystroke round trip: through the backend vs kube-sim's exec channel directly
//  - memory per idle and per busy follow stream, and 500 concurrent follow streams on one backend
// Run alone with `pnpm --filter @k8s-console/bench exec tsx streams.ts`, or through run.ts.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { ratio, type BenchRow } from './bench-row.js';
import { kubectlPath } from '@k8s-console/test-support';
import { EXEC_STREAM_PROTOCOL, LOG_STREAM_PROTOCOL } from '../packages/contracts/src/streams.js';
import { tokenProtocol } from '../apps/backend-k8s/src/auth/websocket-token.js';
import { createPod, LOG_RATE } from '../apps/backend-k8s/src/streams/testing/sim-pods.js';
import { startStreamHarness, type SimHandle, type StreamHarness } from '../apps/backend-k8s/src/streams/testing/stream-test-harness.js';


const ns = 'default';
const LOG_SECONDS = 3;

function gc(): void {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as (() => void) | undefined;
  collect?.();
}

const heap = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
};

/** Bytes per second read for LOG_SECONDS from a follow stream, after a short warm-up. */
async function measureRate(start: (onBytes: (n: number) => void) => () => void): Promise<number> {
  let bytes = 0;
  let counting = false;
  const stop = start((n) => {
    if (counting) bytes += n;
  });
  await new Promise((r) => setTimeout(r, 500));
  counting = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, LOG_SECONDS * 1000));
  const rate = bytes / ((performance.now() - t0) / 1000);
  stop();
  return rate;
}

function directLog(sim: SimHandle, pod: string) {
  return (onBytes: (n: number) => void) => {
    const req = https.get(new URL(`/api/v1/namespaces/${ns}/pods/${pod}/log?follow=true&tailLines=0`, sim.url), {
      ca: sim.caPem,
      headers: { authorization: `Bearer ${sim.token}` },
    });
    req.on('response', (res) => res.on('data', (c: Buffer) => onBytes(c.length)));
    req.on('error', () => undefined);
    return () => req.destroy();
  };
}

function backendLog(h: StreamHarness, pod: string) {
  return (onBytes: (n: number) => void) => {
    const ws = new WebSocket(`${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/pods/${pod}/log?follow=true&tailLines=0`, [
      LOG_STREAM_PROTOCOL,
      tokenProtocol('alice-token'),
    ]);
    ws.on('message', (d: Buffer, binary) => binary && onBytes(d.length));
    return () => ws.terminate();
  };
}

function kubectlLog(kubectl: string, kubeconfig: string, pod: string) {
  return (onBytes: (n: number) => void) => {
    const child = spawn(kubectl, ['--kubeconfig', kubeconfig, '-n', ns, 'logs', '-f', '--tail=0', pod], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', (c: Buffer) => onBytes(c.length));
    return () => child.kill();
  };
}

/** Median round trip of one byte through `cat` (tty off), over `rounds` keystrokes. */
async function keystrokeRoundTrip(ws: WebSocket, frameOf: (b: Buffer) => Buffer, rounds = 200): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    if (ws.readyState === ws.OPEN) resolve();
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const echoed = new Promise<void>((resolve) => {
      const on = (d: Buffer, binary: boolean) => {
        if (binary && d[0] === 1) {
          ws.off('message', on);
          resolve();
        }
      };
      ws.on('message', on);
    });
    ws.send(frameOf(Buffer.from('k\n')));
    await echoed;
    times.push(performance.now() - t0);
  }
  ws.terminate();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

async function openFollowStreams(h: StreamHarness, pod: string, n: number): Promise<{ sockets: WebSocket[]; receiving: () => number }> {
  const got = new Set<number>();
  let opened = 0;
  const sockets = await Promise.all(
    Array.from({ length: n }, (_, i) => {
      const ws = new WebSocket(`${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/pods/${pod}/log?follow=true&tailLines=1`, [
        LOG_STREAM_PROTOCOL,
        tokenProtocol('alice-token'),
      ]);
      ws.on('message', (_d, binary) => binary && got.add(i));
      return new Promise<WebSocket>((resolve, reject) => {
        ws.once('open', () => {
          opened++;
          if (process.env.BENCH_DEBUG && opened % 50 === 0) process.stderr.write(`opened ${opened} at ${Math.round(performance.now())} ms, receiving ${got.size}\n`);
          resolve(ws);
        });
        ws.once('error', reject);
      });
    }),
  );
  return { sockets, receiving: () => got.size };
}

/**
 * kube-sim in its own process, so the apiserver side does not share an event loop with the
 * backend being measured (as a real apiserver would not).
 */
async function startSimProcess(): Promise<SimHandle & { kubeconfig: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kc-bench-sim-'));
  const kubeconfigFile = join(dir, 'kubeconfig');
  const token = randomBytes(18).toString('base64url');
  const cli = fileURLToPath(new URL('../packages/kube-sim/src/cli.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--seed', 'empty', '--token', token, '--pod-start-delay-ms', '50', '--kubeconfig-out', kubeconfigFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /kube-sim listening on (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`kube-sim exited (${code}) before listening`)));
  });
  const kubeconfig = readFileSync(kubeconfigFile, 'utf8');
  const ca = /certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1];
  return {
    url,
    token,
    kubeconfig,
    ...(ca ? { caPem: Buffer.from(ca, 'base64').toString('utf8') } : {}),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const mbps = (bytesPerSecond: number) => `${(bytesPerSecond / 1024 / 1024).toFixed(1)} MB/s`;

export async function runStreamBenchmarks(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const sim = await startSimProcess();
  const h = await startStreamHarness(sim, { execSessionsPerUser: 1000 });
  try {
    await createPod(sim, ns, 'firehose', { image: 'worker:1.0', annotations: { [LOG_RATE]: '1000000' } });
    await createPod(sim, ns, 'quiet', { image: 'worker:1.0', annotations: { [LOG_RATE]: '1' } });
    await createPod(sim, ns, 'busy', { image: 'worker:1.0', annotations: { [LOG_RATE]: '500' } });
    await createPod(sim, ns, 'box', { image: 'alpine:3.20' });
    await createPod(sim, ns, 'steady', { image: 'worker:1.0', annotations: { [LOG_RATE]: '10' } });

    const step = (what: string) => process.stderr.write(`streams bench: ${what}\n`);
    step('memory per stream');
    // memory per stream: the whole process (backend, sim and clients share it), so an upper bound
    const base = heap();
    const idle = await openFollowStreams(h, 'quiet', 200);
    await new Promise((r) => setTimeout(r, 1500));
    const idleBytes = (heap() - base) / 200;
    const busyBase = heap();
    const busy = await openFollowStreams(h, 'busy', 50);
    await new Promise((r) => setTimeout(r, 1500));
    const busyBytes = (heap() - busyBase) / 50;
    rows.push({
      name: 'memory per follow stream (idle / busy at 500 lines/s)',
      value: `${(idleBytes / 1024).toFixed(0)} KiB / ${(busyBytes / 1024).toFixed(0)} KiB`,
      reference: 'heap+buffers of backend and clients (sim in its own process)',
      ratio: `${ratio(busyBytes, Math.max(idleBytes, 1024))} busy/idle`,
    });
    for (const ws of [...idle.sockets, ...busy.sockets]) ws.terminate();
    await new Promise((r) => setTimeout(r, 300));

    step('500 concurrent follow streams');
    const t0 = performance.now();
    const many = await openFollowStreams(h, 'steady', 500);
    const until = Date.now() + 20_000;
    while (many.receiving() < 500 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const allFlowing = performance.now() - t0;
    const heldOpen = many.sockets.filter((s) => s.readyState === s.OPEN).length;
    rows.push({
      name: '500 concurrent follow streams held by one backend',
      value: `${many.receiving()} receiving, ${heldOpen} open`,
      reference: `all flowing after ${(allFlowing / 1000).toFixed(1)} s`,
      ratio: ratio(many.receiving(), 500),
      target: '500 of 500',
    });
    for (const ws of many.sockets) ws.terminate();
    step('log throughput');
    const direct = await measureRate(directLog(sim, 'firehose'));
    const backend = await measureRate(backendLog(h, 'firehose'));
    rows.push({ name: 'log throughput: backend vs kube-sim direct', value: mbps(backend), reference: mbps(direct), ratio: ratio(backend, direct) });
    const kubectl = kubectlPath();
    if (kubectl.available) {
      const dir = mkdtempSync(join(tmpdir(), 'kc-bench-'));
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, sim.kubeconfig, { mode: 0o600 });
      const viaKubectl = await measureRate(kubectlLog(kubectl.path, kubeconfig, 'firehose'));
      rows.push({ name: 'log throughput: backend vs kubectl logs -f', value: mbps(backend), reference: mbps(viaKubectl), ratio: ratio(backend, viaKubectl), target: '>= 1.00x' });
    }

    step('exec keystroke round trip');
    const execQuery = 'command=cat&stdin=true&stdout=true&stderr=true&tty=false';
    const directWs = new WebSocket(`${sim.url.replace('https:', 'wss:')}/api/v1/namespaces/${ns}/pods/box/exec?${execQuery}`, ['v5.channel.k8s.io'], {
      ca: sim.caPem,
      headers: { authorization: `Bearer ${sim.token}` },
    });
    const directRtt = await keystrokeRoundTrip(directWs, (b) => Buffer.concat([Buffer.from([0]), b]));
    const backendWs = new WebSocket(`${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/pods/box/exec?command=cat&tty=false`, [
      EXEC_STREAM_PROTOCOL,
      tokenProtocol('alice-token'),
    ]);
    const backendRtt = await keystrokeRoundTrip(backendWs, (b) => Buffer.concat([Buffer.from([0]), b]));
    rows.push({
      name: 'exec keystroke round trip (median)',
      value: `${backendRtt.toFixed(2)} ms (+${(backendRtt - directRtt).toFixed(2)} ms)`,
      reference: `${directRtt.toFixed(2)} ms direct`,
      ratio: ratio(backendRtt, directRtt),
    });

    step('done');
  } finally {
    await h.close();
    process.stderr.write('streams bench: backend closed\n');
    await sim.stop();
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await runStreamBenchmarks();
  console.table(rows);
}
