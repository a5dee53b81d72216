// The exec channel protocol on the wire, with a plain WebSocket client: protocol choice from the
// offered list, v4 (no close frame), uppercase resize keys, and errors before the upgrade.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startKubeSim, type KubeSim } from '../../src/index.js';

let sim: KubeSim;

beforeAll(async () => {
  sim = await startKubeSim({ https: false, seed: 'demo', podStartDelayMs: 5 });
  for (let i = 0; i < 200 && sim.store.get('pods', 'shop', 'redis-0')?.status?.phase !== 'Running'; i++) await new Promise((r) => setTimeout(r, 20));
});

afterAll(async () => {
  await sim?.stop();
});

function open(query: string, protocols: string[]) {
  const url = `${sim.url.replace(/^http/, 'ws')}/api/v1/namespaces/shop/pods/redis-0/exec?${query}`;
  const ws = new WebSocket(url, protocols, { headers: { Authorization: `Bearer ${sim.token}` } });
  const frames: Buffer[] = [];
  ws.on('message', (d: Buffer) => frames.push(Buffer.from(d)));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => { ws.on('open', () => resolve()); ws.on('error', reject); });
  const channel = (n: number) => Buffer.concat(frames.filter((f) => f[0] === n).map((f) => f.subarray(1))).toString();
  return { ws, opened, closed, channel };
}

describe('exec channel protocol', () => {
  it('picks the best offered protocol and never echoes a bearer token protocol', async () => {
    const s = open('command=true&stdout=true', ['base64url.bearer.authorization.k8s.io.c2VjcmV0', 'v4.channel.k8s.io', 'v5.channel.k8s.io']);
    await s.opened;
    expect(s.ws.protocol).toBe('v5.channel.k8s.io');
    await s.closed;
    expect(JSON.parse(s.channel(3))).toEqual({ metadata: {}, status: 'Success' });
  });

  it('speaks v4 with a tty: resize keys in any case, output on stdout, status as JSON', async () => {
    const s = open('command=sh&stdin=true&stdout=true&tty=true', ['v4.channel.k8s.io']);
    await s.opened;
    s.ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":91,"Height":33}')]));
    s.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('stty size\rexit 7\r')]));
    await s.closed;
    expect(s.channel(1)).toContain('33 91\r\n');
    expect(JSON.parse(s.channel(3))).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '7' }] } });
  });

  it('answers a bad request before the upgrade with a Status', async () => {
    const missing = open('stdout=true', ['v5.channel.k8s.io']);
    const err = await missing.opened.then(() => null, (e: Error) => e);
    expect(err?.message).toContain('Unexpected server response: 400');
    const res = await fetch(`${sim.url}/api/v1/namespaces/shop/pods/redis-0/exec?command=ls&stdout=true`, { method: 'POST', headers: { Authorization: `Bearer ${sim.token}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'Upgrade request required' });
  });
});
