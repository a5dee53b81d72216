// @kubernetes/client-node 1.4 against the runtime: Log with follow, Exec with a tty and resize,
// and a slow log reader that must not make the server buffer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { Exec, KubeConfig, Log, type V1Status } from '@kubernetes/client-node';
import { startKubeSim, type KubeSim } from '../../src/index.js';
import { LOG_RATE } from '../../src/runtime/sim-annotations.js';

let sim: KubeSim;
let kc: KubeConfig;

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

function createPod(name: string, annotations: Record<string, string> = {}) {
  sim.store.create('pods', {
    metadata: { name, namespace: 'default', annotations },
    spec: { containers: [{ name: 'app', image: 'ghcr.io/example/app:1.0' }] },
  });
}

beforeAll(async () => {
  sim = await startKubeSim({ seed: 'demo', podStartDelayMs: 10 });
  kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig('sim'));
  createPod('follow-me', { [LOG_RATE]: '100' });
  createPod('firehose', { [LOG_RATE]: '1000000' });
  createPod('terminal');
  await until(() => ['follow-me', 'firehose', 'terminal'].every((n) => sim.store.get('pods', 'default', n)?.status?.phase === 'Running'), 'pods to run');
});

afterAll(async () => {
  await sim?.stop();
});

describe('client-node against the runtime', () => {
  it('follows a log and stops after abort', async () => {
    let text = '';
    const sink = new Writable({ write(chunk, _enc, cb) { text += chunk.toString(); cb(); } });
    const controller = await new Log(kc).log('default', 'follow-me', 'app', sink, { follow: true, tailLines: 2, timestamps: true });
    await until(() => text.split('\n').length > 12, '10 followed lines');
    controller.abort();
    sink.end();
    const lines = text.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z /);
  });

  it('runs an interactive shell whose terminal follows resizes', async () => {
    const stdout = Object.assign(new PassThrough(), { rows: 24, columns: 80 });
    const stdin = new PassThrough();
    let screen = '';
    stdout.on('data', (d: Buffer) => { screen += d.toString(); });
    let status: V1Status | undefined;
    await new Exec(kc).exec('default', 'terminal', 'app', ['sh'], stdout, null, stdin, true, (s) => { status = s; });
    await until(() => screen.includes('root@terminal:/# '), 'the prompt');
    stdin.write('stty size\r');
    await until(() => screen.includes('24 80\r\n'), 'the first size');
    Object.assign(stdout, { rows: 50, columns: 132 });
    stdout.emit('resize');
    await new Promise((r) => setTimeout(r, 50));
    stdin.write('echo $COLUMNS x $LINES\r');
    await until(() => screen.includes('132 x 50\r\n'), 'the resized terminal');
    stdin.write('exit 5\r');
    await until(() => status !== undefined, 'the exit status');
    expect(status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '5' }] } });
  });

  it('reports success and an unknown command the way the apiserver does', async () => {
    const run = async (command: string[]) => {
      let out = '';
      let err = '';
      let status: V1Status | undefined;
      const stdout = new Writable({ write(c, _e, cb) { out += c.toString(); cb(); } });
      const stderr = new Writable({ write(c, _e, cb) { err += c.toString(); cb(); } });
      await new Exec(kc).exec('default', 'terminal', 'app', command, stdout, stderr, null, false, (s) => { status = s; });
      await until(() => status !== undefined, 'status');
      return { out, err, status };
    };
    expect(await run(['sh', '-c', 'echo ok'])).toMatchObject({ out: 'ok\n', status: { status: 'Success' } });
    const unknown = await run(['nope']);
    expect(unknown.err).toBe('sh: nope: not found\n');
    expect(unknown.status?.details?.causes?.[0]).toEqual({ reason: 'ExitCode', message: '127' });
  });

  it('keeps server memory flat while a slow reader follows a full-rate log', async () => {
    let received = 0;
    // reads a small chunk every 20 ms: a few hundred KB/s against a generator of ~100 MB/s
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, cb) { received += chunk.length; setTimeout(cb, 20); },
    });
    global.gc?.();
    const before = process.memoryUsage();
    const controller = await new Log(kc).log('default', 'firehose', 'app', slow, { follow: true });
    await new Promise((r) => setTimeout(r, 2500));
    const after = process.memoryUsage();
    controller.abort();
    slow.destroy();
    expect(received).toBeGreaterThan(0);
    // unbounded buffering would hold hundreds of MB by now
    expect(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
    expect(received).toBeLessThan(50 * 1024 * 1024);
  });
});
