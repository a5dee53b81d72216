// Many followed logs at once on one sim: no listener piles up anywhere (Node warns with
// MaxListenersExceededWarning past 10 on one emitter or AbortSignal), each stream's entry goes
// when its client leaves, and stopping the sim ends the ones still open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { startKubeSim, type KubeSim, type KubeSimRuntime } from '../../src/index.js';
import { nodeObject } from '../../src/runtime/seeds/seed-nodes.js';

const STREAMS = 40;
let sim: KubeSim & { runtime: KubeSimRuntime };
const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);

const until = async (ok: () => boolean, what: string) => {
  for (let i = 0; i < 500; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** Opens a followed log and resolves once its first bytes arrived. */
function follow(pod: string): Promise<{ res: IncomingMessage; close: () => void; ended: Promise<void> }> {
  const url = new URL(`/api/v1/namespaces/default/pods/${pod}/log?follow=true`, sim.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { Authorization: `Bearer ${sim.token}` } }, (res) => {
      const ended = new Promise<void>((r) => res.once('close', () => r()));
      res.once('data', () => resolve({ res, close: () => req.destroy(), ended }));
      res.once('error', () => {});
    });
    req.once('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  process.on('warning', onWarning);
  sim = await startKubeSim({ https: false, podStartDelayMs: 5, logLinesPerSecond: 50 });
  sim.store.create('nodes', nodeObject('node-1', 1));
  for (let i = 0; i < 4; i++) {
    sim.store.create('pods', { metadata: { name: `log-${i}`, namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'example/app:1' }] } });
  }
  await until(() => sim.store.list('pods', { namespace: 'default' }).items.every((p) => p.status?.phase === 'Running'), 'pods running');
});

afterAll(async () => {
  process.off('warning', onWarning);
  await sim?.stop();
});

describe('many followed log streams', () => {
  it('emits no MaxListenersExceededWarning and forgets each stream when it ends', async () => {
    const first = await Promise.all(Array.from({ length: STREAMS }, (_, i) => follow(`log-${i % 4}`)));
    expect(sim.runtime.openLogStreams).toBe(STREAMS);
    for (const s of first) s.close();
    await Promise.all(first.map((s) => s.ended));
    await until(() => sim.runtime.openLogStreams === 0, 'streams forgotten after their clients left');

    // a second wave on the same sim: nothing left over from the first adds up
    const second = await Promise.all(Array.from({ length: STREAMS }, (_, i) => follow(`log-${i % 4}`)));
    expect(sim.runtime.openLogStreams).toBe(STREAMS);
    // let Node's process 'warning' event (emitted on the next tick) arrive if there was one
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual([]);

    await sim.stop();
    await Promise.all(second.map((s) => s.ended));
    expect(sim.runtime.openLogStreams).toBe(0);
  });
});
