// A change whose client closes the connection before the answer is still audited: Node never
// emits 'finish' for such a response, so Fastify's onResponse (where records were made) never runs.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '@k8s-console/test-support';
import { defaultAppDeploySpec, type AuditEntry } from '@k8s-console/contracts';
import { startSimCluster, type SimCluster } from '../kube/testing/sim-cluster.js';

/** Sends one HTTP request on a raw socket and closes the connection right after it, reading nothing. */
function sendAndLeave(baseUrl: string, method: string, path: string, token: string, body?: unknown): Promise<void> {
  const url = new URL(baseUrl);
  const payload = body === undefined ? '' : JSON.stringify(body);
  const head = [
    `${method} ${path} HTTP/1.1`,
    `Host: ${url.host}`,
    `Authorization: Bearer ${token}`,
    ...(payload ? ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(payload)}`] : []),
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(head + payload, () => {
        socket.destroy();
        resolve();
      });
    });
    socket.on('error', reject);
  });
}

describe('audit of a request whose client left', () => {
  let c: SimCluster;
  beforeAll(async () => {
    c = await startSimCluster({ seed: 'demo', podStartDelayMs: 0 });
    c.sim.store.create('namespaces', { metadata: { name: 'left' } });
  });
  afterAll(async () => {
    await c?.close();
  });

  async function records(query: string): Promise<AuditEntry[]> {
    await c.t.app.audit.flush();
    const res = await c.t.app.inject({ method: 'GET', url: `/api/v1/audit?${query}`, headers: c.t.auth });
    return res.json().items as AuditEntry[];
  }

  it('records an application created after its client went away', async () => {
    const spec = { ...defaultAppDeploySpec('left'), name: 'gone', image: 'nginx:1.27' };
    await sendAndLeave(c.baseUrl, 'POST', `/api/v1/clusters/${c.clusterId}/app-deploys`, c.token, { spec });
    // the handler goes on without its client: the application is made all the same
    await waitUntil('the application is made', () => c.sim.store.get('services', 'left', 'gone') !== undefined, { timeoutMs: 15_000 });
    await waitUntil('its request is recorded', async () => (await records('resource=app-deploys&verb=create')).some((e) => e.name === 'gone'), { timeoutMs: 15_000 });
    const [entry] = (await records('resource=app-deploys&verb=create')).filter((e) => e.name === 'gone');
    expect(entry).toMatchObject({ action: 'request', outcome: 'success', status: 201, namespace: 'left', username: 'admin' });
    expect(entry!.detail).toContain('the client closed the connection before the answer');
  });

  it('records a proxied delete whose client went away', async () => {
    c.sim.store.create('configmaps', { metadata: { name: 'doomed', namespace: 'left' }, data: { a: '1' } });
    await sendAndLeave(c.baseUrl, 'DELETE', `/api/v1/clusters/${c.clusterId}/k8s/api/v1/namespaces/left/configmaps/doomed`, c.token);
    await waitUntil('the delete is recorded', async () => (await records('resource=configmaps&verb=delete')).some((e) => e.name === 'doomed'), { timeoutMs: 15_000 });
    const [entry] = (await records('resource=configmaps&verb=delete')).filter((e) => e.name === 'doomed');
    expect(entry).toMatchObject({ action: 'request', namespace: 'left', username: 'admin' });
    expect(entry!.detail).toContain('the client closed the connection before the answer');
  });
});
