// forwardToCluster between a real HTTP client and a scripted upstream: how answers of each shape
// cross (one write, streamed, paused for a slow client, broken off, informational first), and
// what happens when the client leaves.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClusterConnectionPool } from './connection-pool.js';
import { forwardToCluster, SMALL_BODY_BYTES } from './forward-to-cluster.js';
import type { UpstreamError } from './upstream-request.js';

type Script = (req: http.IncomingMessage, res: http.ServerResponse) => void;

describe('forwardToCluster', () => {
  let upstream: http.Server;
  let proxy: http.Server;
  let proxyUrl: string;
  let script: Script = () => undefined;
  const pool = new ClusterConnectionPool();
  const outcomes: (UpstreamError | null)[] = [];
  const logLines: string[] = [];
  // the two levels forwardToCluster writes at
  const log = { warn: (_o: object, msg: string) => void logLines.push(msg), debug: (_o: object, msg: string) => void logLines.push(msg) };

  beforeAll(async () => {
    upstream = http.createServer((req, res) => script(req, res));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const server = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const endpoint = await pool.endpoint({ id: 'c1', name: 'scripted', version: 1, credentials: { server, token: 'cluster-token' } });
    proxy = http.createServer(async (req, res) => {
      // /late/...: forwarded after a pause, as after the console's own checks
      if (req.url!.startsWith('/late/')) await new Promise((resolve) => setTimeout(resolve, 100));
      void forwardToCluster(req, res, { clusterId: 'c1', endpoint, method: req.method!, target: req.url!, headers: { accept: '*/*' }, timeoutMs: 5000, log: log as never }, () => ({
        'x-console': 'yes',
      })).then((failure) => {
        outcomes.push(failure);
        if (failure) res.writeHead(failure.statusCode).end(failure.code);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    outcomes.length = 0;
    logLines.length = 0;
  });
  afterAll(async () => {
    pool.close();
    for (const s of [proxy, upstream]) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });

  /** A GET through the proxy; resolves once its headers are in, the body left to the caller. */
  const open = (path: string) =>
    new Promise<http.IncomingMessage>((resolve, reject) => http.get(`${proxyUrl}${path}`, resolve).on('error', reject));

  const readAll = async (res: http.IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };

  it('sends a small answer with the cluster credentials, the console headers over the apiserver ones', async () => {
    let seenAuth: string | undefined;
    script = (req, res) => {
      seenAuth = req.headers.authorization;
      res.writeHead(201, { 'content-type': 'application/json', 'audit-id': 'a-1' }).end('{"ok":true}');
    };
    const res = await open('/api/v1/things');
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-console']).toBe('yes');
    expect(res.headers['audit-id']).toBe('a-1');
    expect((await readAll(res)).toString()).toBe('{"ok":true}');
    expect(seenAuth).toBe('Bearer cluster-token');
    expect(outcomes).toEqual([null]);
  });

  it('streams an answer larger than the one-write limit intact, with its length', async () => {
    const body = Buffer.alloc(SMALL_BODY_BYTES * 5 + 7);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    script = (_req, res) => res.writeHead(200, { 'content-length': body.length }).end(body);
    const res = await open('/big');
    expect(Number(res.headers['content-length'])).toBe(body.length);
    expect((await readAll(res)).equals(body)).toBe(true);
  });

  it('passes the headers of an open-ended answer at once, before its first chunk', async () => {
    let finish: () => void = () => undefined;
    script = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      finish = () => res.end('{"type":"ADDED"}\n');
    };
    const res = await open('/watch');
    expect(res.statusCode).toBe(200);
    finish();
    expect((await readAll(res)).toString()).toBe('{"type":"ADDED"}\n');
  });

  it('pauses the apiserver while the client does not read, instead of buffering its answer', async () => {
    const chunk = Buffer.alloc(64 * 1024, 1);
    const total = 800; // 50 MiB offered
    let written = 0;
    let blocked = false;
    script = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const pump = () => {
        while (written < total) {
          written++;
          if (!res.write(chunk)) {
            blocked = true;
            return void res.once('drain', pump);
          }
        }
        res.end();
      };
      pump();
    };
    const res = await open('/stream');
    res.pause();
    await expect.poll(() => blocked, { timeout: 5000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    // socket buffers on both hops hold a few MiB at most; the rest waits in the apiserver
    expect(written * chunk.length).toBeLessThan(16 * 1024 * 1024);
    expect((await readAll(res)).length).toBe(total * chunk.length);
  });

  it('sends a streamed answer in a few large writes, not one per chunk that came in', async () => {
    const chunk = Buffer.alloc(16 * 1024, 2);
    const chunks = 512; // 8 MiB, as fast as the apiserver can write it
    script = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < chunks; i++) res.write(chunk);
      res.end();
    };
    let writes = 0;
    const countWrites = (socket: net.Socket) => {
      const s = socket as net.Socket & { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
      const [write, writev] = [s._write, s._writev];
      s._write = (...a) => (writes++, write.apply(s, a));
      s._writev = (...a) => (writes++, writev.apply(s, a));
    };
    proxy.once('connection', countWrites);
    const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(`${proxyUrl}/stream`, { agent: false }, resolve).on('error', reject),
    );
    expect((await readAll(res)).length).toBe(chunks * chunk.length);
    // a socket read brings up to 64 KiB: one write per read would be 128 or more
    expect(writes).toBeLessThan(64);
  });

  it('ends the client answer early when the apiserver breaks off mid-body', async () => {
    script = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
      setTimeout(() => res.socket!.destroy(), 50);
    };
    const res = await open('/broken');
    expect(res.statusCode).toBe(200);
    await expect(readAll(res)).rejects.toThrow(/aborted/);
    await expect.poll(() => outcomes.length).toBe(1);
    expect(outcomes).toEqual([null]);
    expect(logLines.join('')).toContain('proxied stream ended early');
  });

  it('answers 502 when a small answer breaks off before its end, since nothing was written yet', async () => {
    script = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 });
      res.write('{"partial":');
      setTimeout(() => res.socket!.destroy(), 50);
    };
    const res = await open('/broken-small');
    expect(res.statusCode).toBe(502);
    expect((await readAll(res)).toString()).toBe('CLUSTER_UNREACHABLE');
    expect(outcomes[0]?.message).toContain('cluster "scripted"');
  });

  it('skips an informational answer (103 Early Hints) and forwards the final one', async () => {
    script = (_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('final');
    };
    const res = await open('/hints');
    expect(res.statusCode).toBe(200);
    expect((await readAll(res)).toString()).toBe('final');
  });

  it('stops the upstream request when the client leaves mid-answer', async () => {
    let upstreamClosed = false;
    script = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED"}\n');
      res.on('close', () => (upstreamClosed = true));
    };
    const res = await open('/watch-forever');
    res.once('data', () => res.destroy());
    await expect.poll(() => upstreamClosed, { timeout: 3000 }).toBe(true);
    await expect.poll(() => outcomes.length).toBe(1);
    expect(outcomes).toEqual([null]);
  });

  it('sends nothing upstream for a client that left before forwarding began', async () => {
    const reached: string[] = [];
    script = (req, res) => {
      reached.push(req.url!);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED"}\n');
    };
    const socket = net.connect(Number(new URL(proxyUrl).port), '127.0.0.1');
    socket.write('GET /late/watch HTTP/1.1\r\nhost: x\r\n\r\n');
    setTimeout(() => socket.destroy(), 10);
    await expect.poll(() => outcomes.length, { timeout: 3000 }).toBe(1);
    expect(outcomes).toEqual([null]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(reached).toEqual([]);
  });

  it('stops the upstream requests of pipelined requests when the client closes the connection', async () => {
    const open = new Set<string>();
    script = (req, res) => {
      open.add(req.url!);
      res.on('close', () => open.delete(req.url!));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED"}\n');
    };
    const socket = net.connect(Number(new URL(proxyUrl).port), '127.0.0.1');
    socket.pause(); // the client reads nothing: the second answer waits behind the first
    socket.write('GET /one HTTP/1.1\r\nhost: x\r\n\r\nGET /two HTTP/1.1\r\nhost: x\r\n\r\n');
    await expect.poll(() => open.size, { timeout: 3000 }).toBe(2);
    socket.destroy();
    await expect.poll(() => open.size, { timeout: 3000 }).toBe(0);
    await expect.poll(() => outcomes.length, { timeout: 3000 }).toBe(2);
    expect(outcomes).toEqual([null, null]);
  });

  it('resolves with the failure, nothing written, when the apiserver cannot be reached', async () => {
    script = (req) => req.socket.destroy();
    const res = await open('/unreachable');
    expect(res.statusCode).toBe(502);
    expect((await readAll(res)).toString()).toBe('CLUSTER_UNREACHABLE');
    expect(outcomes[0]?.message).toContain('cluster "scripted"');
  });
});
