import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Registry } from 'prom-client';
import { waitUntil } from '@k8s-console/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { Broadcaster, type ClusterChange } from './broadcaster.js';
import { replicationMetrics } from './metrics.js';
import { parseAddress, type Peer } from './peer-discovery.js';
import { RequestVerifier } from './signing.js';

const secret = 'broadcast-test-secret-0123456789abcdef';
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function peerServer(handler: Handler): Promise<Peer> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return parseAddress(`127.0.0.1:${(server.address() as AddressInfo).port}`, 0);
}

/** A port nothing listens on: bound, then released. */
async function deadPeer(): Promise<Peer> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return parseAddress(`127.0.0.1:${port}`, 0);
}

function setup(peers: Peer[], extra: Partial<ConstructorParameters<typeof Broadcaster>[0]> = {}) {
  const registry = new Registry();
  const metrics = replicationMetrics(registry);
  const logs: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const broadcaster = new Broadcaster({
    discovery: { discover: async () => ({ method: 'instance-addresses', peers }) },
    secret,
    timeoutMs: 2000,
    backoffMs: 10,
    origin: 'replica-a',
    logger: {
      info: (obj, msg) => logs.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
      warn: (obj, msg) => logs.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    },
    metrics,
    ...extra,
  });
  return { broadcaster, registry, logs };
}

async function counterValues(registry: Registry, name: string) {
  const metric = await registry.getSingleMetric(name)!.get();
  return metric.values.map((v) => ({ labels: v.labels, value: v.value }));
}

const change: ClusterChange = { id: 'c-1', action: 'updated', version: 4 };

describe('Broadcaster', () => {
  it('sends a signed reload to every peer and logs each outcome', async () => {
    const verifier = new RequestVerifier(secret);
    const received: { url: string; body: unknown }[] = [];
    const handler: Handler = (req, res, body) => {
      const v = verifier.verify(req.method!, req.url!, body, req.headers);
      received.push({ url: req.url!, body: JSON.parse(body) });
      res.statusCode = v.ok ? 200 : 403;
      res.end('{}');
    };
    const peers = [await peerServer(handler), await peerServer(handler)];
    const { broadcaster, registry, logs } = setup(peers);
    const report = await broadcaster.broadcast(change);
    expect(report.peers.map((p) => p.outcome)).toEqual(['ok', 'ok']);
    expect(received).toEqual([
      { url: '/api/v1/internal/clusters/c-1/reload', body: { action: 'updated', version: 4, origin: 'replica-a' } },
      { url: '/api/v1/internal/clusters/c-1/reload', body: { action: 'updated', version: 4, origin: 'replica-a' } },
    ]);
    expect(logs.filter((l) => l.msg === 'sibling reloaded the cluster').map((l) => l.obj.peer)).toEqual(peers.map((p) => p.url));
    expect(await counterValues(registry, 'k8s_console_reload_broadcasts_sent_total')).toEqual([{ labels: { outcome: 'ok' }, value: 2 }]);
  });

  it('returns to the caller before any peer has answered', async () => {
    let answered = false;
    const peer = await peerServer((_req, res) => {
      answered = true;
      res.end();
    });
    const { broadcaster } = setup([peer]);
    const pending = broadcaster.broadcast(change);
    expect(answered).toBe(false);
    await pending;
    expect(answered).toBe(true);
  });

  it('retries a failing peer with backoff, then succeeds', async () => {
    let calls = 0;
    const peer = await peerServer((_req, res) => {
      calls++;
      res.statusCode = calls < 3 ? 503 : 200;
      res.end();
    });
    const { broadcaster, registry } = setup([peer]);
    const report = await broadcaster.broadcast(change);
    expect(report.peers).toEqual([{ url: peer.url, outcome: 'ok', attempts: 3 }]);
    expect(await counterValues(registry, 'k8s_console_reload_broadcasts_sent_total')).toEqual([
      { labels: { outcome: 'error' }, value: 2 },
      { labels: { outcome: 'ok' }, value: 1 },
    ]);
  });

  it('gives up on a dead peer after every attempt without holding up the live one', async () => {
    const live = await peerServer((_req, res) => res.end());
    const dead = await deadPeer();
    const { broadcaster, registry, logs } = setup([dead, live]);
    const report = await broadcaster.broadcast(change);
    expect(report.peers).toEqual([
      { url: dead.url, outcome: 'failed', attempts: 3 },
      { url: live.url, outcome: 'ok', attempts: 1 },
    ]);
    expect(await counterValues(registry, 'k8s_console_reload_broadcasts_failed_total')).toEqual([{ labels: {}, value: 1 }]);
    const warn = logs.find((l) => l.level === 'warn')!;
    expect(warn.obj).toMatchObject({ peer: dead.url, attempts: 3, err: 'ECONNREFUSED' });
  });

  it('tries a peer that failed every attempt only once per change, until it answers again', async () => {
    let up = false;
    let calls = 0;
    const peer = await peerServer((_req, res) => {
      calls++;
      res.statusCode = up ? 200 : 503;
      res.end();
    });
    const { broadcaster, logs } = setup([peer]);
    expect((await broadcaster.broadcast(change)).peers[0]).toMatchObject({ outcome: 'failed', attempts: 3 });
    expect((await broadcaster.broadcast({ ...change, id: 'c-2' })).peers[0]).toMatchObject({ outcome: 'failed', attempts: 1 });
    up = true;
    expect((await broadcaster.broadcast({ ...change, id: 'c-3' })).peers[0]).toMatchObject({ outcome: 'ok', attempts: 1 });
    expect(logs.some((l) => l.msg === 'sibling is reachable again')).toBe(true);
    up = false;
    // reachable again, so the next failure gets the full series of retries
    expect((await broadcaster.broadcast({ ...change, id: 'c-4' })).peers[0]).toMatchObject({ outcome: 'failed', attempts: 3 });
    expect(calls).toBe(8);
  });

  it('does not retry a peer that refuses the signature', async () => {
    let calls = 0;
    const peer = await peerServer((_req, res) => {
      calls++;
      res.statusCode = 403;
      res.end();
    });
    const { broadcaster, registry } = setup([peer]);
    const report = await broadcaster.broadcast(change);
    expect(report.peers[0]).toMatchObject({ outcome: 'failed', attempts: 1 });
    expect(calls).toBe(1);
    expect(await counterValues(registry, 'k8s_console_reload_broadcasts_sent_total')).toEqual([{ labels: { outcome: 'refused' }, value: 1 }]);
  });

  it('times out a peer that never answers', async () => {
    const hanging = await peerServer(() => {});
    const { broadcaster, registry } = setup([hanging], { timeoutMs: 100, attempts: 2 });
    const report = await broadcaster.broadcast(change);
    expect(report.peers[0]).toMatchObject({ outcome: 'failed', attempts: 2 });
    expect(await counterValues(registry, 'k8s_console_reload_broadcasts_sent_total')).toEqual([{ labels: { outcome: 'timeout' }, value: 2 }]);
  });

  it('keeps at most maxInFlight sends open at once', async () => {
    const held: ServerResponse[] = [];
    let open = 0;
    let peak = 0;
    const handler: Handler = (_req, res) => {
      open++;
      peak = Math.max(peak, open);
      held.push(res);
      res.on('finish', () => open--);
    };
    const peers = await Promise.all(Array.from({ length: 25 }, () => peerServer(handler)));
    const { broadcaster } = setup(peers, { maxInFlight: 10 });
    const done = broadcaster.broadcast(change);
    // release held requests one at a time as they arrive, until every peer has been served
    let served = 0;
    while (served < 25) {
      await new Promise((r) => setImmediate(r));
      const next = held.shift();
      if (next) {
        next.end();
        served++;
      }
    }
    const report = await done;
    expect(report.peers.every((p) => p.outcome === 'ok')).toBe(true);
    expect(peak).toBeLessThanOrEqual(10);
    expect(broadcaster.peakConcurrency).toBe(10);
  });

  it('lets a hanging peer hold at most its own slots, never the healthy peers\' ones', async () => {
    const hanging = await peerServer(() => {});
    let served = 0;
    const healthy = await peerServer((_req, res) => {
      served++;
      res.end();
    });
    const { broadcaster, registry } = setup([hanging, healthy], { maxInFlight: 3, maxInFlightPerPeer: 1, timeoutMs: 60_000, attempts: 1 });
    // five changes of different clusters: the hanging peer takes one slot, the rest wait on it
    const pending = Array.from({ length: 5 }, (_, i) => broadcaster.broadcast({ id: `c-${i}`, action: 'updated', version: 1 }));
    // The server answering is not enough: close() must come after the broadcaster has read all five
    // answers (only the healthy peer ever answers, so the 'ok' count is its own).
    const okSent = async () => (await counterValues(registry, 'k8s_console_reload_broadcasts_sent_total')).find((v) => v.labels.outcome === 'ok')?.value ?? 0;
    await waitUntil('the broadcaster received all five answers of the healthy peer', async () => (await okSent()) >= 5);
    expect(served).toBe(5);
    await broadcaster.close();
    const reports = await Promise.all(pending);
    expect(reports.map((r) => r.peers[1]?.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('drops the retries of an older change once a newer one for the same cluster is sent', async () => {
    const seen: number[] = [];
    let failFirst = true;
    const peer = await peerServer((_req, res, body) => {
      seen.push((JSON.parse(body) as { version: number }).version);
      res.statusCode = failFirst ? 503 : 200;
      failFirst = false;
      res.end();
    });
    const { broadcaster } = setup([peer], { backoffMs: 200 });
    const older = broadcaster.broadcast({ ...change, version: 4 });
    // wait until the first attempt failed, then send a newer version
    await waitUntil('the first attempt reached the peer', () => seen.length > 0);
    const newer = await broadcaster.broadcast({ ...change, version: 5 });
    expect(newer.peers[0]?.outcome).toBe('ok');
    expect((await older).peers[0]?.outcome).toBe('superseded');
    expect(seen).toEqual([4, 5]);
  });

  it('cancels pending retries on close', async () => {
    const dead = await deadPeer();
    const { broadcaster, registry } = setup([dead], { backoffMs: 60_000 });
    const pending = broadcaster.broadcast(change);
    // the first attempt failed and counted: the retry now waits out its backoff
    await waitUntil('the first attempt failed', async () => (await counterValues(registry, 'k8s_console_reload_broadcasts_sent_total')).length > 0);
    await broadcaster.close();
    expect((await pending).peers[0]?.outcome).toBe('cancelled');
  });

  it('gives up on a peer that accepts but never answers, even when memory is collected meanwhile', async () => {
    // Node 20's fetch lost an AbortSignal.timeout after a garbage collection: the send waited forever
    const sockets = new Set<Socket>();
    const hanging = createNetServer((socket) => {
      sockets.add(socket);
      socket.resume();
    });
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    const peer = parseAddress(`127.0.0.1:${(hanging.address() as AddressInfo).port}`, 0);
    const { broadcaster } = setup([peer], { timeoutMs: 300, attempts: 1 });
    const pending = broadcaster.broadcast(change);
    setTimeout(collectGarbage, 100);
    const outcome = await Promise.race([pending.then((r) => r.peers[0]), new Promise((r) => setTimeout(() => r('still waiting'), 5000))]);
    expect(outcome).toMatchObject({ outcome: 'failed', attempts: 1 });
    await broadcaster.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => hanging.close(r));
  });
});

/** A full garbage collection, without starting the test runner with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
