// Debian's nginx runs the repo's nginx/ configuration in front of two stand-in replicas and a
// built console folder, and must serve the SPA, proxy the API (WebSocket and streams included)
// and never let /api/v1/internal through.
import { request as httpRequest, createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { nginxPath } from '@k8s-console/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { embedVariables, preparePrefix, startNginx, testConfig, type NginxRun } from '../src/nginx-harness';

const gate = nginxPath();

interface Seen {
  replica: string;
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

interface Replica {
  name: string;
  server: Server;
  address: string;
}

const seen: Seen[] = [];
let releaseStream: () => void = () => {};

async function startReplica(name: string): Promise<Replica> {
  const server = createServer((req, res) => {
    seen.push({ replica: name, method: req.method!, url: req.url!, headers: req.headers });
    req.resume();
    if (req.url === '/api/v1/stream') {
      // the second line is written only once the client has read the first through nginx
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED"}\n');
      releaseStream = () => res.end('{"type":"MODIFIED"}\n');
      return;
    }
    if (req.url === '/api/v1/big') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: Array.from({ length: 500 }, (_, i) => ({ name: `pod-${i}` })) }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ replica: name, url: req.url }));
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, req) => {
    seen.push({ replica: name, method: 'WS', url: req.url!, headers: req.headers });
    socket.on('message', (data) => socket.send(`${name}:${data.toString()}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { name, server, address: `127.0.0.1:${(server.address() as { port: number }).port}` };
}

function get(base: string, path: string, headers: Record<string, string> = {}, method = 'GET') {
  // node:http sends the path exactly as given (fetch would normalise dot segments first)
  return new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
    const req = httpRequest(base + '/', { method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.runIf(gate.available)('nginx configuration (Debian nginx)', () => {
  let nginx: NginxRun;
  let replicas: Replica[];
  let consoleRoot: string;

  beforeAll(async () => {
    replicas = [await startReplica('replica-a'), await startReplica('replica-b')];
    consoleRoot = mkdtempSync(join(tmpdir(), 'k8s-console-dist-'));
    chmodSync(consoleRoot, 0o755);
    mkdirSync(join(consoleRoot, 'assets'));
    chmodSync(join(consoleRoot, 'assets'), 0o755);
    writeFileSync(join(consoleRoot, 'index.html'), '<!doctype html><div id="app"></div><script type="module" src="/k8s/assets/index-abc123.js"></script>');
    writeFileSync(join(consoleRoot, 'assets', 'index-abc123.js'), `console.log(${JSON.stringify('x'.repeat(4000))});\n`);
    nginx = await startNginx({
      binary: gate.path,
      upstreams: replicas.map((r) => r.address),
      consoleRoot,
      embedAllowedOrigins: ['https://portal.example.com', 'http://localhost:5173'],
    });
  });

  afterAll(async () => {
    await nginx?.stop();
    for (const r of replicas ?? []) r.server.close();
    if (consoleRoot) rmSync(consoleRoot, { recursive: true, force: true });
  });

  it('derives the embedding variables from EMBED_ALLOWED_ORIGINS, refusing what is not an origin', () => {
    expect(embedVariables('')).toEqual({ K8S_CONSOLE_FRAME_ANCESTORS: "'self'", K8S_CONSOLE_CORS_REGEX: '^$', K8S_CONSOLE_ORIGINS_JSON: '[]' });
    expect(embedVariables(' https://a.example.com , http://b.local:8080')).toEqual({
      K8S_CONSOLE_FRAME_ANCESTORS: "'self' https://a.example.com http://b.local:8080",
      K8S_CONSOLE_CORS_REGEX: '^(https://a\\.example\\.com|http://b\\.local:8080)$',
      K8S_CONSOLE_ORIGINS_JSON: '["https://a.example.com","http://b.local:8080"]',
    });
    expect(() => embedVariables('https://a.example.com/path')).toThrow(/expected origins/);
    expect(() => embedVariables('javascript:alert(1)')).toThrow(/expected origins/);
    expect(() => embedVariables('https://a.example.com" always; add_header X 1')).toThrow(/expected origins/);
  });

  it('passes nginx -t', () => {
    const prefix = preparePrefix({ upstreams: ['127.0.0.1:9'], consoleRoot: '/nonexistent' }, 8080);
    try {
      expect(testConfig(gate.path, prefix)).toMatch(/syntax is ok/);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });

  it('serves the console under /k8s with a fallback to index.html for client routes', async () => {
    for (const path of ['/k8s/', '/k8s/clusters/c1/workloads/pods?ns=default', '/k8s/index.html']) {
      const res = await get(nginx.url, path);
      expect(res.status, path).toBe(200);
      expect(res.body.toString()).toContain('<div id="app">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-type']).toMatch(/text\/html/);
    }
    const bare = await get(nginx.url, '/k8s');
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('/k8s/');
  });

  it('answers the runtime config.json with the API base', async () => {
    const res = await get(nginx.url, '/k8s/config.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(JSON.parse(res.body.toString())).toEqual({ apiBase: '/k8s-api', embedAllowedOrigins: ['https://portal.example.com', 'http://localhost:5173'] });
  });

  it('serves hashed assets cached for a year, gzipped, and 404s a missing one', async () => {
    const res = await get(nginx.url, '/k8s/assets/index-abc123.js', { 'accept-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(res.body).toString()).toContain('console.log');
    const missing = await get(nginx.url, '/k8s/assets/index-old999.js');
    expect(missing.status).toBe(404);
  });

  it('lets only the allowed host origin fetch the console files (qiankun)', async () => {
    const allowed = await get(nginx.url, '/k8s/', { origin: 'https://portal.example.com' });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://portal.example.com');
    const second = await get(nginx.url, '/k8s/assets/index-abc123.js', { origin: 'http://localhost:5173' });
    expect(second.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    // exact origins only: the dots are not wildcards, nothing matches by prefix or suffix
    for (const origin of ['https://evil.example.net', 'https://portalXexample.com', 'https://portal.example.com.evil.net', 'http://portal.example.com']) {
      const other = await get(nginx.url, '/k8s/', { origin });
      expect(other.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
  });

  it('sends security headers with frame-ancestors from the variable', async () => {
    for (const path of ['/k8s/', '/k8s/assets/index-abc123.js', '/k8s-api/v1/me']) {
      const res = await get(nginx.url, path);
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      expect(res.headers['content-security-policy'], path).toContain("frame-ancestors 'self' https://portal.example.com http://localhost:5173");
      expect(res.headers['x-frame-options'], path).toBeUndefined();
      expect(res.headers.server, path).toBe('nginx');
    }
  });

  it('proxies /k8s-api/ to /api/ on the replicas, balancing across both', async () => {
    const before = seen.length;
    const replicasHit = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const res = await get(nginx.url, '/k8s-api/v1/clusters?limit=5', { authorization: 'Bearer t' });
      expect(res.status).toBe(200);
      const body = JSON.parse(res.body.toString()) as { replica: string; url: string };
      expect(body.url).toBe('/api/v1/clusters?limit=5');
      replicasHit.add(body.replica);
    }
    expect(replicasHit).toEqual(new Set(['replica-a', 'replica-b']));
    const last = seen.slice(before).at(-1)!;
    expect(last.headers.authorization).toBe('Bearer t');
    expect(last.headers['x-forwarded-prefix']).toBe('/k8s-api');
    expect(last.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('does not gzip API responses, so watch streams are never held back', async () => {
    const res = await get(nginx.url, '/k8s-api/v1/big', { 'accept-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
  });

  it('streams a response as the replica writes it', async () => {
    const lines = await new Promise<string[]>((resolve, reject) => {
      const got: string[] = [];
      const req = httpRequest(`${nginx.url}/k8s-api/v1/stream`, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          got.push(...chunk.split('\n').filter(Boolean));
          // the replica finishes only after the first event came through nginx unbuffered
          if (got.length === 1) releaseStream();
        });
        res.on('end', () => resolve(got));
      });
      req.on('error', reject);
      req.end();
    });
    expect(lines).toEqual(['{"type":"ADDED"}', '{"type":"MODIFIED"}']);
  });

  it('upgrades WebSockets on /k8s-api/v1/ws', async () => {
    const socket = new WebSocket(`${nginx.url.replace('http', 'ws')}/k8s-api/v1/ws`, ['v1.watch.k8s-console']);
    const reply = await new Promise<string>((resolve, reject) => {
      socket.once('open', () => socket.send('hello'));
      socket.once('message', (data) => resolve(data.toString()));
      socket.once('error', reject);
    });
    socket.close();
    expect(reply).toMatch(/^replica-[ab]:hello$/);
    const upgrade = seen.filter((s) => s.method === 'WS').at(-1)!;
    expect(upgrade.url).toBe('/api/v1/ws');
    expect(upgrade.headers['sec-websocket-protocol']).toBe('v1.watch.k8s-console');
  });

  it('never lets /api/v1/internal through, however it is spelled', async () => {
    const before = seen.length;
    const spellings = [
      '/k8s-api/v1/internal/clusters/c1/reload',
      '/k8s-api/v1/internal',
      '/k8s-api/v1//internal/clusters/c1/reload',
      '/k8s-api//v1/internal/clusters/c1/reload',
      '/k8s-api/v1/./internal/clusters/c1/reload',
      '/k8s-api/v1/x/../internal/clusters/c1/reload',
      '/k8s-api/v1/%69nternal/clusters/c1/reload',
      '/k8s-api/v1/internal%2Fclusters/c1/reload',
      '/k8s-api/V1/INTERNAL/clusters/c1/reload',
      '/k8s-api/v1/clusters/../internal/clusters/c1/reload',
    ];
    for (const path of spellings) {
      for (const method of ['GET', 'POST']) {
        const res = await get(nginx.url, path, {}, method);
        expect([400, 404], `${method} ${path}`).toContain(res.status);
      }
    }
    const leaked = seen.slice(before).filter((s) => /internal/i.test(decodeURIComponent(s.url)));
    expect(leaked).toEqual([]);
    // the backend's own /api prefix and its /metrics are not exposed either
    expect((await get(nginx.url, '/api/v1/internal/clusters/c1/reload', {}, 'POST')).status).toBe(404);
    expect((await get(nginx.url, '/k8s-api/../metrics')).status).toBe(404);
  });

  it('answers its own health check', async () => {
    const res = await get(nginx.url, '/nginx-health');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('ok\n');
  });
});
