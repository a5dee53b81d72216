// UpstreamWatch against a scripted apiserver, for what kube-sim does not exercise: a server that
// cannot print Tables (rows derived from objects), bookmarks advancing the resourceVersion the
// next watch resumes from, and 410 Gone as an HTTP status rather than an ERROR event.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeAccess } from '../kube-access.js';
import { UpstreamWatch } from './upstream-watch.js';

interface Scripted {
  lists: string[];
  watches: string[];
  /** what the next watch request does */
  nextWatch: (res: http.ServerResponse) => void;
}

const pod = (name: string, rv: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: rv, creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{ manager: 'x' }] },
});

describe('UpstreamWatch with a server that prints no Tables', () => {
  let server: http.Server;
  let kube: KubeAccess;
  const script: Scripted = { lists: [], watches: [], nextWatch: (res) => res.end() };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (url.searchParams.get('watch')) {
        script.watches.push(url.searchParams.get('resourceVersion') ?? '');
        script.nextWatch(res);
        return;
      }
      script.lists.push(req.headers.accept ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '10' }, items: [pod('a', '5'), pod('b', '6')] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    kube = new KubeAccess({ get: async () => ({ id: 'c', name: 'scripted', version: 1, credentials: { server: url, token: 't' } }) });
  });
  afterAll(async () => {
    kube.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('derives rows, follows bookmarks, and relists on an HTTP 410', async () => {
    const events: string[] = [];
    // first watch: an ADDED, a bookmark, then the stream ends
    script.nextWatch = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: pod('c', '16') })}\n`);
      res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '20' } } })}\n`);
      script.nextWatch = (r) => {
        // second watch: the resourceVersion is too old
        r.writeHead(410, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 410, reason: 'Expired' }));
        script.nextWatch = () => undefined; // third: hang until stopped
      };
      setTimeout(() => res.end(), 1100); // longer than the 1 s "ended at once" pause
    };
    const upstream = new UpstreamWatch(kube, { cluster: 'c', group: '', version: 'v1', resource: 'pods', namespace: 'default', mode: 'rows' }, { minBackoffMs: 10 });
    let synced = false;
    upstream.addListener({ synced: () => (synced = true), event: (type, json) => events.push(`${type} ${JSON.parse(json).name}`), error() {} });
    upstream.start();
    try {
      await expect.poll(() => synced).toBe(true);
      expect(script.lists[0]).toContain('as=Table');
      expect(upstream.columns!.map((col) => col.name)).toEqual(['Name', 'Age']);
      const rows = upstream.snapshot().map((j) => JSON.parse(j));
      expect(rows).toContainEqual({ uid: 'uid-a', name: 'a', namespace: 'default', resourceVersion: '5', creationTimestamp: '2026-01-01T00:00:00Z', cells: ['a', '2026-01-01T00:00:00Z'] });

      await expect.poll(() => script.watches.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
      // the first watch started at the list's version; the second resumed from the bookmark
      // that followed the ADDED (16)
      expect(script.watches.slice(0, 2)).toEqual(['10', '20']);
      // 410 → relist; the list no longer has c: subscribers hear it was deleted
      await expect.poll(() => upstream.listCount).toBe(2);
      await expect.poll(() => events).toEqual(['ADDED c', 'DELETED c']);
      // once a server printed no Table, the hub stops asking for one
      expect(script.lists[1]).toBe('application/json');
    } finally {
      upstream.stop();
    }
  });

  it('backs off when every watch is gone again right after its relist', async () => {
    script.lists.length = 0;
    script.nextWatch = (res) => res.writeHead(410, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 410, reason: 'Expired' }));
    const upstream = new UpstreamWatch(kube, { cluster: 'c', group: '', version: 'v1', resource: 'pods', namespace: 'default', mode: 'objects' }, { minBackoffMs: 100, maxBackoffMs: 400 });
    upstream.addListener({ synced() {}, event() {}, error() {} });
    upstream.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // 100 + 200 + 400 + 400 ms of pauses: a handful of relists, not hundreds
      expect(script.lists.length).toBeGreaterThanOrEqual(2);
      expect(script.lists.length).toBeLessThanOrEqual(6);
    } finally {
      upstream.stop();
    }
  });

  it('a reconnect during a backoff retries at once, and the next failure still backs off', async () => {
    script.watches.length = 0;
    script.nextWatch = (res) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 500, reason: 'InternalError' }));
    const upstream = new UpstreamWatch(kube, { cluster: 'c', group: '', version: 'v1', resource: 'pods', namespace: 'default', mode: 'objects' }, { minBackoffMs: 400, maxBackoffMs: 400 });
    upstream.addListener({ synced() {}, event() {}, error() {} });
    upstream.start();
    try {
      await expect.poll(() => script.watches.length).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 50)); // in the backoff now
      upstream.reconnect();
      await expect.poll(() => script.watches.length).toBe(2);
      // that retry failed too: the next one waits its backoff
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(script.watches.length).toBe(2);
      await expect.poll(() => script.watches.length, { timeout: 2000 }).toBe(3);
    } finally {
      upstream.stop();
    }
  });

  it('keeps whole objects without managedFields in objects mode', async () => {
    script.nextWatch = () => undefined;
    const upstream = new UpstreamWatch(kube, { cluster: 'c', group: '', version: 'v1', resource: 'pods', namespace: 'default', mode: 'objects' });
    let synced = false;
    upstream.addListener({ synced: () => (synced = true), event() {}, error() {} });
    upstream.start();
    try {
      await expect.poll(() => synced).toBe(true);
      const objects = upstream.snapshot().map((j) => JSON.parse(j));
      expect(objects).toHaveLength(2);
      expect(objects[0].metadata).not.toHaveProperty('managedFields');
      expect(objects[0].kind).toBe('Pod');
    } finally {
      upstream.stop();
    }
  });
});
