// Who may open a stream, decided before the upgrade: refusals are plain HTTP answers, and the
// token carried as a subprotocol is never echoed back.
import { EXEC_STREAM_PROTOCOL, LOG_STREAM_PROTOCOL } from '@k8s-console/contracts';
import http from 'node:http';
import { startKubeSim } from '@k8s-console/kube-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tokenProtocol } from '../auth/websocket-token.js';
import { createPod, deletePod } from './testing/sim-pods.js';
import { openRecorded, startStreamHarness, type SimHandle, type StreamHarness } from './testing/stream-test-harness.js';

let sim: SimHandle;
let h: StreamHarness;
const ns = 'default';

beforeAll(async () => {
  sim = await startKubeSim({ port: 0, seed: 'empty', podStartDelayMs: 50 });
  h = await startStreamHarness(sim, { execSessionsPerUser: 2 });
  await createPod(sim, ns, 'web-0', { image: 'nginx:1.27' });
});
afterAll(async () => {
  await h?.close();
  await sim?.stop();
});

const logUrl = (pod = 'web-0') => `${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/pods/${pod}/log?tailLines=1`;
const execUrl = (pod = 'web-0') => `${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/pods/${pod}/exec?command=sleep&command=30&tty=false`;

async function refusal(url: string, token: string | null, protocol = LOG_STREAM_PROTOCOL) {
  try {
    const rec = await openRecorded(url, token, protocol);
    rec.ws.close();
  } catch (err) {
    const e = err as { status: number; body: string };
    return { status: e.status, body: JSON.parse(e.body) as { error: { code: string; message: string } } };
  }
  throw new Error('the upgrade was accepted');
}

describe('stream access before the upgrade', () => {
  it('answers 401 over plain HTTP when no token is offered', async () => {
    const r = await refusal(logUrl(), null);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('answers 401 for a token that is not valid', async () => {
    expect((await refusal(logUrl(), 'forged')).status).toBe(401);
  });

  it('answers 403 with the reason when the user may not exec', async () => {
    const r = await refusal(execUrl(), 'bob-token', EXEC_STREAM_PROTOCOL);
    expect(r.status).toBe(403);
    expect(r.body.error.message).toContain('pods/exec');
  });

  it('answers 404 for an unknown cluster and 400 for a bad query', async () => {
    expect((await refusal(logUrl().replace('/sim/', '/nope/'), 'alice-token')).status).toBe(404);
    expect((await refusal(`${logUrl()}&tailLines=-3`, 'alice-token')).status).toBe(400);
  });

  it('chooses the real protocol and never echoes the token carrier', async () => {
    const carrier = tokenProtocol('alice-token');
    const ws = new WebSocket(logUrl(), [LOG_STREAM_PROTOCOL, carrier]);
    const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      ws.once('upgrade', (res) => resolve(res.headers));
      ws.once('error', reject);
    });
    expect(headers['sec-websocket-protocol']).toBe(LOG_STREAM_PROTOCOL);
    expect(JSON.stringify(headers)).not.toContain(carrier.slice(-10));
    ws.close();
  });

  it('limits concurrent exec sessions per user with a 429, and frees the slot when one ends', async () => {
    const first = await openRecorded(execUrl(), 'alice-token', EXEC_STREAM_PROTOCOL);
    const second = await openRecorded(execUrl(), 'alice-token', EXEC_STREAM_PROTOCOL);
    const r = await refusal(execUrl(), 'alice-token', EXEC_STREAM_PROTOCOL);
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('TOO_MANY_SESSIONS');
    first.ws.close();
    await first.closed;
    // the slot comes back once the server has seen the close
    let third;
    for (let i = 0; i < 50 && !third; i++) {
      third = await openRecorded(execUrl(), 'alice-token', EXEC_STREAM_PROTOCOL).catch(() => undefined);
      if (!third) await new Promise((r) => setTimeout(r, 20));
    }
    expect(third).toBeDefined();
    third?.ws.close();
    second.ws.close();
  });

  it('holds no terminal session for a plain GET or HEAD of the exec path', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (const method of ['GET', 'HEAD', 'GET']) {
        const status = await new Promise<number>((resolve, reject) => {
          const req = http.request(execUrl().replace('ws:', 'http:'), { method, agent, headers: { authorization: 'Bearer alice-token' } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end();
        });
        expect(status, method).toBe(404);
      }
      // the keep-alive connection is still open: both sessions of the limit are free
      const first = await openRecorded(execUrl(), 'alice-token', EXEC_STREAM_PROTOCOL);
      const second = await openRecorded(execUrl(), 'alice-token', EXEC_STREAM_PROTOCOL);
      first.ws.close();
      second.ws.close();
      await Promise.all([first.closed, second.closed]);
    } finally {
      agent.destroy();
    }
  });

  it('closes a socket whose browser sends a frame over 1 MiB', async () => {
    const rec = await openRecorded(`${logUrl()}&follow=true`, 'alice-token');
    rec.ws.send(Buffer.alloc(2 * 1024 * 1024));
    expect((await rec.closed).code).toBe(1009);
  });

  it('answers an unknown workload kind with 400, not 500', async () => {
    const url = `${h.wsUrl}/api/v1/clusters/sim/namespaces/${ns}/logs?kind=constructor&name=x`;
    expect((await refusal(url, 'alice-token')).status).toBe(400);
  });

  it('tells the browser why when the pod does not exist', async () => {
    await createPod(sim, ns, 'short-lived', { image: 'nginx:1.27' });
    await deletePod(sim, ns, 'short-lived');
    const rec = await openRecorded(logUrl('short-lived'), 'alice-token');
    const closed = await rec.closed;
    expect(closed.code).toBe(4002);
    expect(rec.controls).toContainEqual(expect.objectContaining({ type: 'error', code: 'NOT_FOUND' }));
  });
});
