// The pod watch behind merged logs against an apiserver that ends every watch at once: it keeps
// following, but waits longer each time instead of asking again in a tight loop.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterConnection } from '../clusters/credentials.js';
import { watchPods } from './pod-watch.js';

describe('watchPods', () => {
  let server: http.Server;
  let cluster: ClusterConnection;
  const requests: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const watch = new URL(req.url!, 'http://x').searchParams.get('watch') === 'true';
      requests.push(watch ? 'watch' : 'list');
      res.writeHead(200, { 'content-type': 'application/json' });
      // the list has one pod; every watch ends at once without an event
      res.end(watch ? '' : JSON.stringify({ metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'p1', resourceVersion: '7' } }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cluster = { id: 'c', name: 'c', version: 1, credentials: { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't' } };
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('backs off when every watch ends as soon as it started', async () => {
    const abort = new AbortController();
    const seen: string[] = [];
    const failures: string[] = [];
    watchPods(cluster, 'default', 'app=x', { upsert: (p) => seen.push(p.metadata.name), remove: () => undefined, fail: (m) => failures.push(m) }, abort.signal);
    await new Promise((r) => setTimeout(r, 1500));
    abort.abort();
    expect(seen[0]).toBe('p1');
    expect(failures).toEqual([]);
    // 100, 200, 400, 800 ms apart: a handful of watches in 1.5 s, not hundreds
    const watches = requests.filter((r) => r === 'watch').length;
    expect(watches).toBeGreaterThanOrEqual(2);
    expect(watches).toBeLessThanOrEqual(6);
    expect(requests.filter((r) => r === 'list')).toHaveLength(1);
  });
});
