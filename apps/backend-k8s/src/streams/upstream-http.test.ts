// The stream endpoints' requests to a cluster: each carries the credentials of the connection it
// was made for, even when the pool (keyed by cluster id and version) was built from an older one.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterConnection } from '../clusters/credentials.js';
import { upstreamGet } from './upstream-http.js';

describe('upstreamGet', () => {
  let server: http.Server;
  let url: string;
  const seen: (string | undefined)[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("sends each connection's own token: an exec plugin's renewed token replaces the one the pool was built with", async () => {
    const conn = (token: string): ClusterConnection => ({ id: 'renewing', name: 'renewing', version: 1, credentials: { server: url, token } });
    for (const token of ['first-token', 'renewed-token']) {
      const res = await upstreamGet(conn(token), '/api/v1/namespaces/a/pods/p/log', undefined);
      res.resume();
      expect(res.statusCode).toBe(200);
    }
    expect(seen).toEqual(['Bearer first-token', 'Bearer renewed-token']);
  });
});
