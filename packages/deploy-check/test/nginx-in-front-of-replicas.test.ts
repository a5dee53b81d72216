// The repo's nginx configuration (Debian's nginx) in front of two real backend replicas on one
// PostgreSQL database, with a kube-sim cluster behind them: sign in, register the cluster, list
// pods, watch them over the WebSocket hub, follow a log and run a command in a pod, all through
// /k8s-api, never touching a replica directly; and the replicas' internal API stays out of reach.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@k8s-console/kube-sim';
import { BackendProcess, freePorts, freshPostgresDatabase, nginxPath } from '@k8s-console/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startNginx, type NginxRun } from '../src/nginx-harness';

const gate = nginxPath();
const db = await freshPostgresDatabase();
const ADMIN_PASSWORD = 'nginx-front-password';
const TOKEN_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

describe.runIf(gate.available && db.available)('nginx in front of two backend replicas', () => {
  let sim: KubeSim;
  let nginx: NginxRun;
  let replicas: BackendProcess[] = [];
  let work: string;
  let token = '';
  let clusterId = '';

  beforeAll(async () => {
    sim = await startKubeSim({ seed: 'demo', podStartDelayMs: 0 });
    work = mkdtempSync(join(tmpdir(), 'deploy-check-front-'));
    chmodSync(work, 0o755);
    writeFileSync(join(work, 'index.html'), '<!doctype html><title>K8s Console</title><div id="app"></div>');
    const ports = await freePorts(2);
    const env = {
      DATABASE_URL: db.url,
      KUBECONFIG_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      JWT_SECRET: randomBytes(32).toString('hex'),
      INTERNAL_SECRET: randomBytes(32).toString('hex'),
      ADMIN_PASSWORD,
      INSTANCE_ADDRESSES: ports.map((p) => `127.0.0.1:${p}`).join(','),
      HEALTH_CHECK_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    };
    replicas = ports.map((port) => new BackendProcess(port, { ...env, DATA_DIR: join(work, `data-${port}`) }));
    // one first, so the migrations and the admin user are created once
    await replicas[0]!.start();
    await replicas[1]!.start();
    nginx = await startNginx({ binary: gate.path, upstreams: replicas.map((r) => `127.0.0.1:${r.port}`), consoleRoot: work });
  }, 300_000);

  afterAll(async () => {
    await nginx?.stop();
    for (const r of replicas) r.kill();
    await sim?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
    await db.drop();
  });

  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${nginx.url}/k8s-api${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  it('signs in and registers a cluster through /k8s-api', async () => {
    const login = await api('POST', '/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { accessToken: string }).accessToken;
    const me = await api('GET', '/v1/me');
    expect(me.status).toBe(200);
    const created = await api('POST', '/v1/clusters', { name: 'sim', kubeconfig: sim.kubeconfig('sim') });
    expect(created.status, await created.clone().text()).toBe(201);
    clusterId = ((await created.json()) as { id: string }).id;
  });

  it('lists pods through the proxy, request after request', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await api('GET', `/v1/clusters/${clusterId}/k8s/api/v1/pods?limit=500`);
      expect(res.status).toBe(200);
      const list = (await res.json()) as { kind: string; items: { metadata: { name: string } }[] };
      expect(list.kind).toBe('PodList');
      expect(list.items.length).toBeGreaterThan(0);
    }
  });

  it('watches pods over the WebSocket hub, the token carried in a subprotocol', async () => {
    const socket = new WebSocket(`${nginx.url.replace('http', 'ws')}/k8s-api/v1/ws`, [
      'k8s-console.watch.v1',
      TOKEN_PROTOCOL_PREFIX + Buffer.from(token).toString('base64url'),
    ]);
    const snapshot = await new Promise<{ type: string; items?: unknown[]; complete?: boolean }>((resolve, reject) => {
      socket.once('open', () => {
        // the token protocol is never echoed back
        expect(socket.protocol).toBe('k8s-console.watch.v1');
        socket.send(JSON.stringify({ type: 'subscribe', id: 'pods', cluster: clusterId, group: '', version: 'v1', resource: 'pods', mode: 'objects' }));
      });
      socket.on('message', (data) => {
        const msg = JSON.parse(data.toString()) as { type: string };
        if (msg.type === 'snapshot' || msg.type === 'error') resolve(msg);
      });
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    socket.close();
    expect(snapshot.type).toBe('snapshot');
    expect(snapshot.items!.length).toBeGreaterThan(0);
  });

  async function runningPod(): Promise<{ namespace: string; name: string }> {
    const res = await api('GET', `/v1/clusters/${clusterId}/k8s/api/v1/pods?limit=500`);
    const list = (await res.json()) as { items: { metadata: { name: string; namespace: string }; status?: { phase?: string } }[] };
    const pod = list.items.find((p) => p.status?.phase === 'Running');
    expect(pod, 'a running pod in the demo seed').toBeDefined();
    return { namespace: pod!.metadata.namespace, name: pod!.metadata.name };
  }

  function streamSocket(path: string, protocol: string): WebSocket {
    return new WebSocket(`${nginx.url.replace('http', 'ws')}/k8s-api${path}`, [protocol, TOKEN_PROTOCOL_PREFIX + Buffer.from(token).toString('base64url')]);
  }

  it('follows a pod log over a WebSocket', async () => {
    const pod = await runningPod();
    const socket = streamSocket(`/v1/clusters/${clusterId}/namespaces/${pod.namespace}/pods/${pod.name}/log?follow=true&tailLines=3`, 'logs.k8s-console.v1');
    const text = await new Promise<string>((resolve, reject) => {
      let got = '';
      socket.on('message', (data, isBinary) => {
        if (!isBinary) return;
        got += data.toString();
        if (got.includes('\n')) resolve(got);
      });
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    socket.close();
    expect(text.length).toBeGreaterThan(0);
  });

  it('runs a command in a pod over the exec WebSocket', async () => {
    const pod = await runningPod();
    const socket = streamSocket(
      `/v1/clusters/${clusterId}/namespaces/${pod.namespace}/pods/${pod.name}/exec?command=echo&command=through-nginx&tty=false&stdin=false`,
      'exec.k8s-console.v1',
    );
    const result = await new Promise<{ stdout: string; exit: { exitCode: number | null } }>((resolve, reject) => {
      let stdout = '';
      socket.on('message', (data, isBinary) => {
        const buf = data as Buffer;
        if (isBinary) {
          if (buf[0] === 1) stdout += buf.subarray(1).toString();
          return;
        }
        const msg = JSON.parse(buf.toString()) as { type: string; exitCode?: number | null; message?: string };
        if (msg.type === 'exit') resolve({ stdout, exit: { exitCode: msg.exitCode ?? null } });
        if (msg.type === 'error') reject(new Error(msg.message));
      });
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    socket.close();
    expect(result.stdout).toContain('through-nginx');
    expect(result.exit.exitCode).toBe(0);
  });

  it('refuses a WebSocket upgrade without a token before it completes', async () => {
    const socket = new WebSocket(`${nginx.url.replace('http', 'ws')}/k8s-api/v1/ws`, ['k8s-console.watch.v1']);
    const status = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => resolve(101));
      socket.once('error', () => resolve(-1));
    });
    expect(status).toBe(401);
  });

  it('keeps the replicas’ internal API out of reach', async () => {
    const res = await fetch(`${nginx.url}/k8s-api/v1/internal/clusters/${clusterId}/reload`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('SIGNATURE');
  });
});
