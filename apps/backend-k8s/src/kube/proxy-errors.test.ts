// The proxy's failure classes that need no simulator: TLS, unreachable, timeout, client abort,
// and what is refused before anything goes upstream (bad paths, no token, RBAC denial).
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';
import { GOOD_TOKEN, kubeconfigFor, startFakeApiserver, type FakeApiserver } from '../../test/fake-apiserver.js';
import { allowAuthenticated } from '../rbac/authorizer.js';

/** A TCP server that accepts connections and never answers; counts the sockets it saw close, keeps what it was sent. */
async function startSilentServer() {
  const state = { open: 0, closed: 0, received: '' };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    state.open++;
    sockets.add(socket);
    socket.on('close', () => {
      state.closed++;
      sockets.delete(socket);
    });
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => (state.received += chunk.toString('latin1'))); // read the request, so the client's FIN is seen
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `https://127.0.0.1:${port}`;
}

describe('proxy failures', () => {
  let t: TestApp;
  let tlsServer: FakeApiserver;
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  let echo: http.Server;
  const echoed: http.IncomingHttpHeaders[] = [];
  const echoedRaw: string[][] = [];
  const ids: Record<string, string> = {};

  async function addCluster(name: string, kubeconfig: string): Promise<string> {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/clusters?skipTest=true', headers: t.auth, payload: { name, kubeconfig } });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  }

  beforeAll(async () => {
    t = await buildTestApp();
    tlsServer = await startFakeApiserver({ tls: true });
    silent = await startSilentServer();
    ids.good = await addCluster('good', kubeconfigFor(tlsServer.url, { caPem: tlsServer.caPem }));
    // no CA: the self-signed certificate is not trusted
    ids.untrusted = await addCluster('untrusted', kubeconfigFor(tlsServer.url, {}));
    ids.down = await addCluster('down', kubeconfigFor(await closedPortUrl(), {}));
    ids.silent = await addCluster('silent', kubeconfigFor(silent.url, {}));
    echo = http.createServer((req, res) => {
      echoed.push(req.headers);
      echoedRaw.push(req.rawHeaders);
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive', 'set-cookie': 'x=1' }).end(JSON.stringify({ bytes })));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    ids.echo = await addCluster('echo', kubeconfigFor(`http://127.0.0.1:${(echo.address() as AddressInfo).port}`, {}));
  });
  afterAll(async () => {
    await t.close();
    await tlsServer.close();
    await silent.close();
    echo.closeAllConnections();
    await new Promise((resolve) => echo.close(resolve));
    expect(t.logs.join('\n')).not.toContain(GOOD_TOKEN);
  });

  async function listening(): Promise<number> {
    if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
    return (t.app.server.address() as AddressInfo).port;
  }

  const get = (id: string, path: string, headers: Record<string, string> = t.auth) =>
    t.app.inject({ method: 'GET', url: `/api/v1/clusters/${id}/k8s${path}`, headers });

  it('forwards with the cluster credentials, not the console token', async () => {
    const res = await get(ids.good!, '/version');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ gitVersion: 'v1.31.2-fake' });
  });

  it('passes the apiserver status code through', async () => {
    const res = await get(ids.good!, '/api/v1/namespaces/default/pods/nope');
    expect(res.statusCode).toBe(404);
  });

  it('reports an untrusted certificate as a TLS error naming the cluster', async () => {
    const res = await get(ids.untrusted!, '/version');
    expect(res.statusCode).toBe(502);
    expect(res.json().error.code).toBe('CLUSTER_TLS_ERROR');
    expect(res.json().error.message).toContain('"untrusted"');
  });

  it('reports a refused connection as unreachable', async () => {
    const res = await get(ids.down!, '/version');
    expect(res.statusCode).toBe(502);
    expect(res.json().error).toMatchObject({ code: 'CLUSTER_UNREACHABLE' });
    expect(res.json().error.message).toContain('ECONNREFUSED');
  });

  it('reports a silent apiserver as a timeout', async () => {
    t.app.kube.upstreamTimeoutMs = 300;
    try {
      const res = await get(ids.silent!, '/version');
      expect(res.statusCode).toBe(504);
      expect(res.json().error).toMatchObject({ code: 'CLUSTER_TIMEOUT' });
      expect(res.json().error.message).toContain('"silent"');
    } finally {
      t.app.kube.upstreamTimeoutMs = 60_000;
    }
  });

  it('aborts the upstream request when the client goes away', async () => {
    const port = await listening();
    const before = silent.state.closed;
    const openedBefore = silent.state.open;
    const controller = new AbortController();
    const pending = fetch(`http://127.0.0.1:${port}/api/v1/clusters/${ids.silent}/k8s/version`, { headers: t.auth, signal: controller.signal }).catch(
      (e: Error) => e,
    );
    await expect.poll(() => silent.state.open, { timeout: 3000 }).toBeGreaterThan(openedBefore);
    controller.abort();
    await pending;
    await expect.poll(() => silent.state.closed, { timeout: 3000 }).toBeGreaterThan(before);
  });

  it('aborts the upstream request when the client goes away from a request the route answers', async () => {
    // a POST with a body is not the fast path's: the Fastify route forwards it
    const port = await listening();
    const before = silent.state.closed;
    const controller = new AbortController();
    const pending = fetch(`http://127.0.0.1:${port}/api/v1/clusters/${ids.silent}/k8s/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { ...t.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'left' } }),
      signal: controller.signal,
    }).catch((e: Error) => e);
    // it may go out on a connection opened before: wait for the request itself, body included
    await expect.poll(() => silent.state.received, { timeout: 3000 }).toContain('POST /api/v1/namespaces/default/configmaps');
    await expect.poll(() => silent.state.received, { timeout: 3000 }).toContain('"name":"left"');
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await expect.poll(() => silent.state.closed, { timeout: 3000 }).toBeGreaterThan(before);
    // Fastify sends nothing on the closed socket (the handler resolves without a reply) and the server goes on serving
    expect((await get(ids.good!, '/version')).statusCode).toBe(200);
  });

  it('refuses paths that normalise differently, and queries the apiserver reads differently, before going upstream', async () => {
    const before = tlsServer.requests;
    const port = await listening();
    for (const path of ['/api/v1/namespaces/a/pods/../secrets', '/api/v1/namespaces/a/./pods', '/api/v1/namespaces/a%2Fb/pods', '/api//v1/pods', '/api/v1/namespaces/%2e%2e/pods', '/api/v1/namespaces/a/secrets?fieldSelector=metadata.name%3Dmine,x;', '/api/v1/namespaces/a/pods?watch=0;&watch=1']) {
      // a raw request line: URL parsers (fetch, inject) would resolve the dot segments first
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: `/api/v1/clusters/${ids.good}/k8s${path}`, headers: t.auth }, (r) => {
          let body = '';
          r.on('data', (c: Buffer) => (body += c.toString()));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
        });
        req.on('error', reject);
      });
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body).error.code).toBe('INVALID_KUBERNETES_PATH');
    }
    expect(tlsServer.requests).toBe(before);
  });

  it('requires a signed-in user', async () => {
    const res = await get(ids.good!, '/version', {});
    expect(res.statusCode).toBe(401);
  });

  it('asks the authorizer with the parsed attributes and honours a denial', async () => {
    const seen: unknown[] = [];
    t.app.authorizer = {
      async authorizeResource(_s, attrs) {
        seen.push(attrs);
        return { allowed: false, reason: 'no rule allows it' };
      },
      async authorizeNonResource(_s, attrs) {
        seen.push(attrs);
        return { allowed: true };
      },
    };
    try {
      const before = tlsServer.requests;
      const res = await get(ids.good!, '/apis/apps/v1/namespaces/web/deployments/front/scale');
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({ code: 'FORBIDDEN', message: 'no rule allows it' });
      expect(tlsServer.requests).toBe(before);
      expect(seen[0]).toEqual({
        clusterId: ids.good,
        verb: 'get',
        apiGroup: 'apps',
        apiVersion: 'v1',
        resource: 'deployments',
        subresource: 'scale',
        namespace: 'web',
        name: 'front',
      });
      expect((await get(ids.good!, '/version')).statusCode).toBe(200);
      expect(seen[1]).toEqual({ clusterId: ids.good, verb: 'get', path: '/version' });
    } finally {
      t.app.authorizer = allowAuthenticated;
    }
  });

  it('sends the cluster token and impersonation headers, never the client\'s identity headers', async () => {
    t.app.kube.setImpersonationHook((connection) =>
      connection.name === 'echo' ? { 'Impersonate-User': 'alice', 'Impersonate-Group': ['dev', 'ops'] } : undefined,
    );
    try {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/clusters/${ids.echo}/k8s/api/v1/namespaces/default/pods`,
        headers: {
          ...t.auth,
          accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
          cookie: 'session=abc',
          'impersonate-user': 'system:admin',
          'x-remote-user': 'root',
          'x-forwarded-for': '1.2.3.4',
        },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['set-cookie']).toBeUndefined();
      const seen = echoed.at(-1)!;
      expect(seen.authorization).toBe(`Bearer ${GOOD_TOKEN}`);
      expect(seen.accept).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
      expect(seen.cookie).toBeUndefined();
      expect(seen['x-remote-user']).toBeUndefined();
      expect(seen['x-forwarded-for']).toBeUndefined();
      expect(seen['impersonate-user']).toBe('alice');
      // one header line per group: the apiserver does not split "dev,ops"
      const raw = echoedRaw.at(-1)!;
      const groups = raw.filter((_v, i) => i % 2 === 1 && raw[i - 1]!.toLowerCase() === 'impersonate-group');
      expect(groups).toEqual(['dev', 'ops']);
    } finally {
      t.app.kube.setImpersonationHook(undefined);
    }
  });

  it('streams request bodies larger than the API body limit (nothing is buffered)', async () => {
    const size = 5 * 1024 * 1024; // the test app's body limit is 1 MiB
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/clusters/${ids.echo}/k8s/api/v1/namespaces/default/configmaps/big`,
      headers: { ...t.auth, 'content-type': 'application/json' },
      payload: Buffer.alloc(size, 0x61),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ bytes: size });
  });

  it('answers 404 for an unknown cluster', async () => {
    const res = await get('00000000-0000-4000-8000-000000000000', '/version');
    expect(res.statusCode).toBe(404);
  });
});
