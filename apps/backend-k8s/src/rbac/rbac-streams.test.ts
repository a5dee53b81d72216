// Console RBAC on the log and exec WebSockets, against kube-sim: each built-in role × (read logs,
// exec) decided before the upgrade (a denial is an HTTP 403, audited), and an exec session
// leaves an audit record.
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '@k8s-console/kube-sim';
import { waitUntil } from '@k8s-console/test-support';
import { EXEC_STREAM_PROTOCOL, LOG_STREAM_PROTOCOL, type AuditPage } from '@k8s-console/contracts';
import { buildApp } from '../app.js';
import { tokenProtocol } from '../auth/websocket-token.js';
import { streamsPlugin } from '../streams/index.js';
import { ADMIN_PASSWORD, testConfig } from '../../test/test-app.js';

const PASSWORD = 'Tr0ub4dor&3-horse';
const EXEC_ROUTE = '/api/v1/clusters/:id/namespaces/:ns/pods/:pod/exec';

/** Opens a socket; resolves with 'open' or the HTTP status that refused the upgrade. */
function connect(url: string, protocol: string, token: string): Promise<{ status: number | 'open'; ws: WebSocket; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [protocol, tokenProtocol(token)]);
    ws.once('open', () => resolve({ status: 'open', ws, body: '' }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ws, body }));
    });
    ws.once('error', reject);
  });
}

describe('console RBAC on logs and exec', () => {
  let app: FastifyInstance;
  let sim: KubeSim;
  let dataDir: string;
  let clusterId: string;
  let wsBase: string;
  let pod: string;
  const tokens: Record<string, string> = {};

  const inject = (method: 'GET' | 'POST', url: string, payload?: object, token = tokens.admin) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    const config = testConfig();
    dataDir = config.dataDir;
    app = await buildApp(config, { logger: false });
    // Until app.ts registers the streams domain itself, the test does.
    if (!app.hasRoute({ method: 'GET', url: EXEC_ROUTE })) await app.register(streamsPlugin);
    await app.ready();
    const login = async (username: string, password: string) =>
      (await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } })).json().accessToken as string;
    tokens.admin = await login('admin', ADMIN_PASSWORD);
    sim = await startKubeSim({ port: 0, seed: 'demo' });
    const res = await inject('POST', '/api/v1/clusters', { name: 'sim', kubeconfig: sim.kubeconfig() });
    expect(res.statusCode, res.body).toBe(201);
    clusterId = res.json().id;
    for (const role of ['operator', 'viewer'] as const) {
      expect((await inject('POST', '/api/v1/users', { username: role, password: PASSWORD, roles: [role] })).statusCode).toBe(201);
      tokens[role] = await login(role, PASSWORD);
    }
    expect((await inject('POST', '/api/v1/users', { username: 'nobody', password: PASSWORD })).statusCode).toBe(201);
    tokens.nobody = await login('nobody', PASSWORD);
    await app.listen({ port: 0, host: '127.0.0.1' });
    wsBase = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    // The demo seed's pods start Pending and turn Running a moment later.
    await waitUntil('a Running frontend pod in shop', async () => {
      const pods = (await inject('GET', `/api/v1/clusters/${clusterId}/k8s/api/v1/namespaces/shop/pods`)).json() as { items: { metadata: { name: string }; status?: { phase?: string } }[] };
      pod = pods.items.find((p) => p.metadata.name.startsWith('frontend-') && p.status?.phase === 'Running')?.metadata.name ?? '';
      return pod !== '';
    }, { intervalMs: 100 });
  });
  afterAll(async () => {
    await app?.close();
    await sim?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const podUrl = (suffix: string) => `${wsBase}/api/v1/clusters/${clusterId}/namespaces/shop/pods/${pod}/${suffix}`;

  it.each([
    ['admin', true, true],
    ['operator', true, true],
    ['viewer', true, false],
    ['nobody', false, false],
  ])('%s: read logs %s, exec %s', async (who, logsOk, execOk) => {
    const logs = await connect(podUrl('log?tailLines=1'), LOG_STREAM_PROTOCOL, tokens[who]!);
    logs.ws.close();
    expect(logs.status).toBe(logsOk ? 'open' : 403);
    const exec = await connect(podUrl('exec?command=true&tty=false&stdin=false'), EXEC_STREAM_PROTOCOL, tokens[who]!);
    exec.ws.close();
    expect(exec.status).toBe(execOk ? 'open' : 403);
    if (!execOk) expect(JSON.parse(exec.body).error.message).toMatch(new RegExp(`^user "${who}" cannot (create|get) pods/exec`));
  });

  it('denials are audited, and every exec session leaves a record', async () => {
    await app.audit.flush();
    const denied = (await inject('GET', '/api/v1/audit?action=denial&username=viewer&resource=pods%2Fexec')).json() as AuditPage;
    expect(denied.items[0]).toMatchObject({ clusterId, namespace: 'shop', name: pod, status: 403 });
    // one refused upgrade, one record: the authorizer's report belongs to the 403 it caused
    expect(denied.items).toHaveLength(1);
    const admin = await connect(podUrl('exec?command=sh&command=-c&command=echo%20hi&tty=false&stdin=false'), EXEC_STREAM_PROTOCOL, tokens.admin!);
    expect(admin.status).toBe('open');
    await new Promise<void>((resolve) => admin.ws.once('close', () => resolve()));
    let page: AuditPage = { items: [], next: null };
    for (let i = 0; i < 200 && !page.items.some((e) => e.username === 'admin' && e.detail?.includes('echo hi')); i++) {
      await new Promise((r) => setTimeout(r, 10));
      page = (await inject('GET', '/api/v1/audit?action=exec')).json() as AuditPage;
    }
    expect(page.items.find((e) => e.username === 'admin' && e.detail?.includes('echo hi'))).toMatchObject({
      clusterId,
      namespace: 'shop',
      name: pod,
      resource: 'pods/exec',
      verb: 'create',
    });
  });
});
