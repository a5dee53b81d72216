// Logs and terminals on a cluster whose kubeconfig gets its token from an allowed exec plugin (as
// EKS's `aws eks get-token` or GKE's plugin do): the stream endpoints use the token the plugin
// printed, like the proxy, against kube-sim. A failing plugin refuses the upgrade naming the cluster.
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '@k8s-console/kube-sim';
import { EXEC_STREAM_PROTOCOL, LOG_STREAM_PROTOCOL } from '@k8s-console/contracts';
import { waitUntil } from '@k8s-console/test-support';
import { buildTestApp, type TestApp } from '../../test/test-app.js';
import { tokenProtocol } from '../auth/websocket-token.js';

/** The sim's kubeconfig with its token replaced by an exec plugin (node -e <script>). */
function execKubeconfig(sim: KubeSim, script: string): string {
  return sim.kubeconfig().replace(
    /^( *)token: \S+$/m,
    (_line, indent: string) =>
      `${indent}exec:\n${indent}  apiVersion: client.authentication.k8s.io/v1\n${indent}  command: ${process.execPath}\n${indent}  args: ["-e", ${JSON.stringify(script)}]`,
  );
}

describe('log and terminal streams with exec-plugin credentials', () => {
  let t: TestApp;
  let sim: KubeSim;
  let wsBase: string;
  let pod: string;

  const addCluster = async (name: string, script: string) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/clusters?skipTest=true', headers: t.auth, payload: { name, kubeconfig: execKubeconfig(sim, script) } });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  };
  const open = (url: string, protocol: string) =>
    new Promise<{ ws: WebSocket; texts: string[]; status: number | 'open'; body: string }>((resolve, reject) => {
      const ws = new WebSocket(url, [protocol, tokenProtocol(t.auth.authorization.slice('Bearer '.length))]);
      const texts: string[] = [];
      ws.on('message', (data, isBinary) => texts.push(isBinary ? (data as Buffer).subarray(1).toString() : data.toString()));
      ws.once('open', () => resolve({ ws, texts, status: 'open', body: '' }));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ ws, texts, status: res.statusCode ?? 0, body }));
      });
      ws.once('error', reject);
    });

  beforeAll(async () => {
    t = await buildTestApp({ allowedExecPlugins: [process.execPath] });
    sim = await startKubeSim({ port: 0, seed: 'demo' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    wsBase = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('streams a pod log and runs a command with the token the plugin printed', async () => {
    const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: sim.token } };
    const id = await addCluster('exec-ok', `console.log(JSON.stringify(${JSON.stringify(credential)}))`);
    await waitUntil('a Running frontend pod in shop', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/clusters/${id}/k8s/api/v1/namespaces/shop/pods`, headers: t.auth });
      const pods = res.json() as { items: { metadata: { name: string }; status?: { phase?: string } }[] };
      pod = pods.items.find((p) => p.metadata.name.startsWith('frontend-') && p.status?.phase === 'Running')?.metadata.name ?? '';
      return pod !== '';
    }, { intervalMs: 100 });
    const base = `${wsBase}/api/v1/clusters/${id}/namespaces/shop/pods/${pod}`;

    const logs = await open(`${base}/log?tailLines=5`, LOG_STREAM_PROTOCOL);
    expect(logs.status, logs.body).toBe('open');
    await waitUntil('log lines', () => logs.texts.some((text) => !text.startsWith('{')), { intervalMs: 10 });
    logs.ws.close();

    const exec = await open(`${base}/exec?command=sh&command=-c&command=echo%20from-the-pod&tty=false&stdin=false`, EXEC_STREAM_PROTOCOL);
    expect(exec.status, exec.body).toBe('open');
    await waitUntil('the command output', () => exec.texts.some((text) => text.includes('from-the-pod')), { intervalMs: 10 });
    exec.ws.close();
  });

  it('refuses the upgrade naming the cluster when the plugin fails', async () => {
    const id = await addCluster('exec-broken', 'process.exit(3)');
    const logs = await open(`${wsBase}/api/v1/clusters/${id}/namespaces/shop/pods/any/log`, LOG_STREAM_PROTOCOL);
    expect(logs.status).toBe(502);
    expect(JSON.parse(logs.body).error).toMatchObject({ code: 'CLUSTER_CREDENTIALS_FAILED', message: expect.stringContaining('"exec-broken"') });
  });
});
