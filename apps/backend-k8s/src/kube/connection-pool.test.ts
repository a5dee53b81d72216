// The pool keeps one keep-alive connection pool per cluster: sequential requests share a socket, a new
// version of the cluster's kubeconfig gets a new pool, and credentials become the right header.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterConnection } from '../clusters/credentials.js';
import { ClusterConnectionPool } from './connection-pool.js';
import { startConnectProxy, startSocksProxy, type TestProxy } from './testing/test-proxies.js';
import { readBody, requestUpstream } from './upstream-request.js';

describe('ClusterConnectionPool', () => {
  let server: http.Server;
  let url: string;
  const sockets = new Set<unknown>();
  const seenAuth: (string | undefined)[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seenAuth.push(req.headers.authorization);
      res.end('ok');
    });
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const conn = (version: number, credentials: Partial<ClusterConnection['credentials']> = {}): ClusterConnection => ({
    id: 'c1',
    name: 'one',
    version,
    credentials: { server: url, token: 'tok', ...credentials },
  });

  it('reuses its connections for sequential requests and sends the bearer token', async () => {
    const pool = new ClusterConnectionPool();
    const before = sockets.size;
    for (let i = 0; i < 20; i++) {
      const endpoint = await pool.endpoint(conn(1));
      const res = await requestUpstream(endpoint, { method: 'GET', path: '/version' });
      expect((await readBody(res)).toString()).toBe('ok');
    }
    // undici may open a second connection while the first one is handed back after an answer,
    // never one per request (client-node's way)
    expect(sockets.size - before).toBeLessThanOrEqual(2);
    expect(seenAuth.at(-1)).toBe('Bearer tok');
    pool.close();
  });

  it('builds a new pool when the cluster version changes, and basic auth from username/password', async () => {
    const pool = new ClusterConnectionPool();
    const first = await pool.endpoint(conn(1));
    expect(await pool.endpoint(conn(1))).toBe(first);
    const second = await pool.endpoint(conn(2, { token: undefined, username: 'u', password: 'p' }));
    expect(second).not.toBe(first);
    expect(second.dispatcher).not.toBe(first.dispatcher);
    expect(pool.versionOf('c1')).toBe(2);
    expect(second.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(second.basePath).toBe('/base');
    await readBody(await requestUpstream(second, { method: 'GET', path: '/x' }));
    pool.evict('c1');
    expect(pool.size).toBe(0);
    pool.close();
  });

  describe('through the kubeconfig proxy-url', () => {
    const proxies: TestProxy[] = [];
    beforeAll(async () => {
      proxies.push(await startConnectProxy(), await startSocksProxy());
    });
    afterAll(async () => {
      await Promise.all(proxies.map((p) => p.close()));
    });

    for (const [i, kind] of (['http', 'socks5'] as const).entries()) {
      it(`reaches the apiserver through a ${kind} proxy`, async () => {
        const proxy = proxies[i]!;
        const pool = new ClusterConnectionPool();
        const endpoint = pool.endpoint(conn(1, { proxyUrl: proxy.url }));
        const res = await requestUpstream(endpoint, { method: 'GET', path: '/version' });
        expect(res.statusCode).toBe(200);
        expect((await readBody(res)).toString()).toBe('ok');
        expect(seenAuth.at(-1)).toBe('Bearer tok');
        expect(proxy.tunnels).toEqual([`${kind === 'http' ? 'connect' : 'socks'} ${new URL(url).host}`]);
        pool.close();
      });
    }

    it('refuses a proxy-url scheme it cannot dial, naming it', () => {
      const pool = new ClusterConnectionPool();
      expect(() => pool.endpoint(conn(1, { proxyUrl: 'ftp://127.0.0.1:21' }))).toThrow(/proxy-url scheme ftp: is not supported/);
    });
  });
});
