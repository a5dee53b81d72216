import { afterEach, describe, expect, it } from 'vitest';
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { streamContainerLog, rfc3339Nano, type ContainerLog, type LogOptions, type LogStreamControl } from '../../src/runtime/log-stream.js';

const T0 = Date.parse('2026-01-02T03:00:00Z');
let server: Server | undefined;

afterEach(async () => {
  const s = server;
  server = undefined;
  if (!s) return;
  s.closeAllConnections();
  await new Promise((r) => s.close(r));
});

async function serve(log: ContainerLog, opts: Partial<LogOptions>, now: () => number, stats?: { bytes: number }, isOver: LogStreamControl['isOver'] = () => false) {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    void streamContainerLog(res, log, { follow: false, timestamps: false, ...opts }, { isOver, now, stats });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const fetchText = async (url: string) => (await fetch(url)).text();
const baseLog = (over: Partial<ContainerLog> = {}): ContainerLog => ({ seed: 'uid-1/web/0', style: 'app', startedAt: T0, linesPerSecond: 10, retainLines: 1000, ...over });

describe('container log stream', () => {
  it('is deterministic and honours tailLines, sinceSeconds and timestamps', async () => {
    const now = () => T0 + 10_000; // 101 lines at 10 lines/s
    const url = await serve(baseLog(), {}, now);
    const all = (await fetchText(url)).split('\n').slice(0, -1);
    expect(all).toHaveLength(101);
    expect(all[0]).toContain('starting application');
    expect(all.some((l) => l.includes('\x1b[32mINFO'))).toBe(true);
    expect(await fetchText(url)).toBe(all.join('\n') + '\n');
    server?.close();

    const tail = await serve(baseLog(), { tailLines: 3, timestamps: true }, now);
    const lines = (await fetchText(tail)).split('\n').slice(0, -1);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe(`2026-01-02T03:00:10Z ${all[100]}`);
    expect(lines[0]?.startsWith('2026-01-02T03:00:09.8Z ')).toBe(true);
    server?.close();

    const since = await serve(baseLog(), { sinceSeconds: 2 }, now);
    expect((await fetchText(since)).split('\n').slice(0, -1)).toEqual(all.slice(80));
  });

  it('cuts at limitBytes, keeps only retained lines, and ends a crashed instance with its error', async () => {
    const now = () => T0 + 100_000;
    const url = await serve(baseLog({ retainLines: 50 }), { limitBytes: 100 }, now);
    expect(Buffer.byteLength(await fetchText(url))).toBe(100);
    server?.close();
    const retained = await serve(baseLog({ retainLines: 50 }), {}, now);
    expect((await fetchText(retained)).split('\n').slice(0, -1)).toHaveLength(50);
    server?.close();
    const crashed = await serve(baseLog({ endedAt: T0 + 5_000, crashing: true }), { follow: true }, now);
    const text = await fetchText(crashed);
    expect(text.split('\n').slice(0, -1)).toHaveLength(51 + 3);
    expect(text).toMatch(/panic: connect to database: connection refused\n$/);
  });

  it('follows new lines as they are logged and stops when the instance is over', async () => {
    let over = false;
    const url = await serve(baseLog({ startedAt: Date.now(), linesPerSecond: 200 }), { follow: true }, Date.now, undefined, () => over);
    const res = await new Promise<IncomingMessage>((r) => get(url, r));
    let lines = 0;
    res.on('data', (d: Buffer) => {
      lines += d.toString().split('\n').length - 1;
      if (lines >= 20) over = true;
    });
    await new Promise((r) => res.on('end', r));
    expect(lines).toBeGreaterThanOrEqual(20);
  });

  it('ends a followed instance that crashes with its crash lines', async () => {
    let over: boolean | { endedAt: number; crashing: boolean } = false;
    const url = await serve(baseLog({ startedAt: Date.now(), linesPerSecond: 100 }), { follow: true }, Date.now, undefined, () => over);
    const res = await new Promise<IncomingMessage>((r) => get(url, r));
    let text = '';
    res.on('data', (d: Buffer) => {
      text += d.toString();
      if (!over && text.split('\n').length > 5) over = { endedAt: Date.now() - 1000, crashing: true };
    });
    await new Promise((r) => res.on('end', r));
    expect(text).toMatch(/FATAL.*\npanic: connect to database: connection refused\n$/);
  });

  it('keeps memory flat when the reader does not drain a full-rate stream', async () => {
    const stats = { bytes: 0 };
    // ~2 million lines per second is far above what any reader drains
    const url = await serve(baseLog({ startedAt: Date.now() - 60_000, linesPerSecond: 2_000_000, retainLines: 10 }), { follow: true }, Date.now, stats);
    const res = await new Promise<IncomingMessage>((r) => get(url, r));
    res.pause();
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    await new Promise((r) => setTimeout(r, 1500));
    const stalledAt = stats.bytes;
    // nothing read: only socket buffers hold data
    expect(stalledAt).toBeLessThan(16 * 1024 * 1024);
    let read = 0;
    res.on('data', (d: Buffer) => { read += d.length; });
    res.resume();
    await new Promise((r) => setTimeout(r, 500));
    res.destroy();
    expect(read).toBeGreaterThan(stalledAt / 2);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('prints RFC3339Nano timestamps like Go', () => {
    expect(rfc3339Nano(Date.parse('2026-01-02T03:04:05.120Z'), 3400)).toBe('2026-01-02T03:04:05.1200034Z');
    expect(rfc3339Nano(Date.parse('2026-01-02T03:04:05.000Z'), 0)).toBe('2026-01-02T03:04:05Z');
  });
});
