// Sockets opened while access was granted do not outlive it: a watch subscription, a log stream
// and a terminal end when the role binding that allowed them is removed (at once on this replica,
// by the periodic check for a change made elsewhere), and a disabled user, or one whose password
// was reset, loses their sockets.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXEC_STREAM_PROTOCOL, LOG_STREAM_PROTOCOL, StreamCloseCode, WatchCloseCode } from '@k8s-console/contracts';
import { waitUntil } from '@k8s-console/test-support';
import { tokenProtocol } from '../auth/websocket-token.js';
import { startSimCluster, WatchClient, type SimCluster } from '../kube/testing/sim-cluster.js';

const PASSWORD = 'Tr0ub4dor&3-horse';

/** A log or exec socket: its text control frames, and how it closed. */
class StreamClient {
  readonly controls: { type: string; code?: string; message?: string }[] = [];
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  closed: { code: number; reason: string } | undefined;

  constructor(url: string, protocol: string, token: string) {
    this.ws = new WebSocket(url, [protocol, tokenProtocol(token)]);
    this.ws.on('message', (data, isBinary) => {
      if (!isBinary) this.controls.push(JSON.parse(data.toString()) as { type: string });
    });
    this.ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
  }
}

describe('open sockets when access changes', () => {
  let c: SimCluster;
  let pod: string;
  const tokens: Record<string, string> = {};
  const userIds: Record<string, string> = {};

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    c.t.app.inject({ method, url, headers: c.t.auth, ...(payload ? { payload } : {}) });

  async function addUser(username: string, roles: string[]) {
    const res = await api('POST', '/api/v1/users', { username, password: PASSWORD, roles });
    expect(res.statusCode, res.body).toBe(201);
    userIds[username] = res.json().id;
    const login = await c.t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: PASSWORD } });
    tokens[username] = login.json().accessToken;
  }

  async function bindingOf(username: string): Promise<string> {
    const res = await api('GET', `/api/v1/rolebindings?subjectKind=user&subjectName=${username}`);
    const items = res.json().items as { id: string }[];
    expect(items).toHaveLength(1);
    return items[0]!.id;
  }

  const watchConfigMaps = async (who: string) => {
    const client = new WatchClient(c.baseUrl, tokens[who]!);
    await client.opened;
    client.send({ type: 'subscribe', id: 'cms', cluster: c.clusterId, group: '', version: 'v1', resource: 'configmaps', namespace: 'shop', mode: 'objects' });
    await waitUntil('the configmaps snapshot', () => client.of('cms').some((m) => m.type === 'snapshot'), { intervalMs: 10 });
    return client;
  };
  const podStream = (suffix: string, protocol: string, who: string) =>
    new StreamClient(`${c.baseUrl.replace(/^http/, 'ws')}/api/v1/clusters/${c.clusterId}/namespaces/shop/pods/${pod}/${suffix}`, protocol, tokens[who]!);

  beforeAll(async () => {
    c = await startSimCluster({ seed: 'demo' }, { sessionRecheckIntervalMs: 500 });
    await waitUntil('a Running frontend pod in shop', async () => {
      const res = await api('GET', `/api/v1/clusters/${c.clusterId}/k8s/api/v1/namespaces/shop/pods`);
      const pods = res.json() as { items: { metadata: { name: string }; status?: { phase?: string } }[] };
      pod = pods.items.find((p) => p.metadata.name.startsWith('frontend-') && p.status?.phase === 'Running')?.metadata.name ?? '';
      return pod !== '';
    }, { intervalMs: 100 });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('removing the binding ends the watch subscription, the log stream and the terminal it allowed', async () => {
    await addUser('alice', ['operator']);
    const watch = await watchConfigMaps('alice');
    const logs = podStream('log?follow=true', LOG_STREAM_PROTOCOL, 'alice');
    const exec = podStream('exec?command=sh&stdin=true&tty=false', EXEC_STREAM_PROTOCOL, 'alice');
    await Promise.all([logs.opened, exec.opened]);
    await waitUntil('the terminal started', () => exec.controls.some((m) => m.type === 'started'), { intervalMs: 10 });

    expect((await api('DELETE', `/api/v1/rolebindings/${await bindingOf('alice')}`)).statusCode).toBe(204);

    await waitUntil('the subscription ended', () => watch.of('cms').some((m) => m.type === 'error'), { intervalMs: 10 });
    expect(watch.of('cms').at(-1)).toMatchObject({ type: 'error', code: 'FORBIDDEN', fatal: true, message: expect.stringMatching(/^access revoked: user "alice" cannot list configmaps/) });
    await waitUntil('both streams closed', () => logs.closed !== undefined && exec.closed !== undefined, { intervalMs: 10 });
    for (const stream of [logs, exec]) {
      expect(stream.closed).toEqual({ code: StreamCloseCode.AccessRevoked, reason: 'access revoked' });
      expect(stream.controls.at(-1)).toMatchObject({ type: 'error', code: 'ACCESS_REVOKED', message: expect.stringMatching(/^access revoked: user "alice" cannot/) });
    }
    // the terminal's audit record says why it ended
    await waitUntil('the exec record', async () => {
      const res = await api('GET', '/api/v1/audit?action=exec&username=alice');
      return (res.json() as { items: { detail?: string }[] }).items.some((r) => r.detail?.includes('ended: access-revoked'));
    }, { intervalMs: 50 });
    // the watch socket itself stays open for what alice may still see: nothing, here
    expect(watch.closeCode).toBeUndefined();
    watch.send({ type: 'subscribe', id: 'again', cluster: c.clusterId, group: '', version: 'v1', resource: 'configmaps', namespace: 'shop', mode: 'objects' });
    await waitUntil('the new subscription refused', () => watch.of('again').length > 0, { intervalMs: 10 });
    expect(watch.of('again')[0]).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    watch.close();
  });

  it('a merged log still looking up its workload ends when the binding goes', async () => {
    await addUser('lena', ['operator']);
    c.sim.faults.set({ latencyMs: 5000 }); // the workload lookup waits on the apiserver
    try {
      const merged = new StreamClient(`${c.baseUrl.replace(/^http/, 'ws')}/api/v1/clusters/${c.clusterId}/namespaces/shop/logs?kind=deployment&name=frontend`, LOG_STREAM_PROTOCOL, tokens.lena!);
      await merged.opened;
      expect((await api('DELETE', `/api/v1/rolebindings/${await bindingOf('lena')}`)).statusCode).toBe(204);
      // well before the lookup's answer: not once the stream has started after it
      await waitUntil('the merged log closed', () => merged.closed !== undefined, { intervalMs: 10, timeoutMs: 2500 });
      expect(merged.closed?.code).toBe(StreamCloseCode.AccessRevoked);
      expect(merged.controls.at(-1)).toMatchObject({ type: 'error', code: 'ACCESS_REVOKED' });
    } finally {
      c.sim.faults.set({ latencyMs: 0 });
    }
  });

  it('a subscription still allowed goes on', async () => {
    await addUser('carol', ['viewer']);
    const watch = await watchConfigMaps('carol');
    await addUser('dave', ['viewer']);
    expect((await api('DELETE', `/api/v1/rolebindings/${await bindingOf('dave')}`)).statusCode).toBe(204);
    await c.t.app.liveSessions.recheckAll();
    expect(watch.of('cms').filter((m) => m.type === 'error')).toEqual([]);
    expect(watch.closeCode).toBeUndefined();
    watch.close();
  });

  it('disabling a user closes their sockets', async () => {
    await addUser('erin', ['operator']);
    const watch = await watchConfigMaps('erin');
    const logs = podStream('log?follow=true', LOG_STREAM_PROTOCOL, 'erin');
    await logs.opened;
    expect((await api('PATCH', `/api/v1/users/${userIds.erin}`, { disabled: true })).statusCode).toBe(200);
    await waitUntil('both sockets closed', () => watch.closeCode !== undefined && logs.closed !== undefined, { intervalMs: 10 });
    expect(watch.closeCode).toBe(WatchCloseCode.AccessRevoked);
    expect(logs.closed?.code).toBe(StreamCloseCode.AccessRevoked);
    expect(logs.controls.at(-1)).toMatchObject({ code: 'ACCESS_REVOKED', message: expect.stringContaining('disabled or removed') });
  });

  it("an admin's password reset ends the user's open sockets, whatever they were allowed", async () => {
    await addUser('gina', ['operator']);
    const watch = await watchConfigMaps('gina');
    const exec = podStream('exec?command=sh&stdin=true&tty=false', EXEC_STREAM_PROTOCOL, 'gina');
    await exec.opened;
    expect((await api('PATCH', `/api/v1/users/${userIds.gina}`, { password: 'reset by the admin 42' })).statusCode).toBe(200);
    await waitUntil('both sockets closed', () => watch.closeCode !== undefined && exec.closed !== undefined, { intervalMs: 10 });
    expect(watch.closeCode).toBe(WatchCloseCode.AccessRevoked);
    expect(exec.closed?.code).toBe(StreamCloseCode.AccessRevoked);
    expect(exec.controls.at(-1)).toMatchObject({ code: 'ACCESS_REVOKED', message: 'your sessions were ended: sign in again' });
    // and the token they were opened with no longer opens new ones
    await expect(new StreamClient(`${c.baseUrl.replace(/^http/, 'ws')}/api/v1/clusters/${c.clusterId}/namespaces/shop/pods/${pod}/log`, LOG_STREAM_PROTOCOL, tokens.gina!).opened).rejects.toThrow(/401/);
  });

  it('a binding removed by another replica is noticed by the periodic check', async () => {
    await addUser('frank', ['operator']);
    const watch = await watchConfigMaps('frank');
    // straight in the database, as a sibling replica would: this replica is not told
    await c.t.app.db.deleteFrom('role_bindings').where('id', '=', await bindingOf('frank')).execute();
    // noticed within the recheck interval once the authorizer's cached rules (5 s) expire
    await waitUntil('the subscription ended', () => watch.of('cms').some((m) => m.type === 'error'), { intervalMs: 50, timeoutMs: 20_000 });
    expect(watch.of('cms').at(-1)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/^access revoked/) });
    watch.close();
  });
});
