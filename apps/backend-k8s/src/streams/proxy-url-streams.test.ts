// Logs and terminals on a cluster whose kubeconfig names a proxy-url, through a real HTTP CONNECT
// proxy and a real SOCKS5 proxy in front of kube-sim: the log request goes through the kube
// domain's pool, the terminal through a tunnel of its own, both through the proxy.
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '@k8s-console/kube-sim';
import { EXEC_STREAM_PROTOCOL, LOG_STREAM_PROTOCOL } from '@k8s-console/contracts';
import { waitUntil } from '@k8s-console/test-support';
import { buildTestApp, type TestApp } from '../../test/test-app.js';
import { tokenProtocol } from '../auth/websocket-token.js';
import { startConnectProxy, startSocksProxy, type TestProxy } from '../kube/testing/test-proxies.js';

describe('log and terminal streams through a kubeconfig proxy-url', () => {
  let t: TestApp;
  let sim: KubeSim;
  let wsBase: string;
  let pod: string;
  const proxies: TestProxy[] = [];

  const open = (url: string, protocol: string) =>
    new Promise<{ ws: WebSocket; texts: string[] }>((resolve, reject) => {
      const ws = new WebSocket(url, [protocol, tokenProtocol(t.auth.authorization.slice('Bearer '.length))]);
      const texts: string[] = [];
      ws.on('message', (data, isBinary) => texts.push(isBinary ? (data as Buffer).subarray(1).toString() : data.toString()));
      ws.once('open', () => resolve({ ws, texts }));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });

  beforeAll(async () => {
    t = await buildTestApp();
    sim = await startKubeSim({ port: 0, seed: 'demo' });
    proxies.push(await startConnectProxy(), await startSocksProxy());
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    wsBase = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all(proxies.map((p) => p.close()));
    await sim?.stop();
  });

  for (const [i, kind] of (['http', 'socks5'] as const).entries()) {
    it(`streams a log and runs a command through a ${kind} proxy`, async () => {
      const proxy = proxies[i]!;
      const kubeconfig = sim.kubeconfig().replace(/^( *)server: (\S+)$/m, (_line, indent: string, server: string) => `${indent}server: ${server}\n${indent}proxy-url: ${proxy.url}`);
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/clusters?skipTest=true', headers: t.auth, payload: { name: `via-${kind}`, kubeconfig } });
      expect(res.statusCode, res.body).toBe(201);
      const id = (res.json() as { id: string }).id;
      await waitUntil('a Running frontend pod in shop', async () => {
        const list = await t.app.inject({ method: 'GET', url: `/api/v1/clusters/${id}/k8s/api/v1/namespaces/shop/pods`, headers: t.auth });
        const pods = list.json() as { items: { metadata: { name: string }; status?: { phase?: string } }[] };
        pod = pods.items.find((p) => p.metadata.name.startsWith('frontend-') && p.status?.phase === 'Running')?.metadata.name ?? '';
        return pod !== '';
      }, { intervalMs: 100 });
      const base = `${wsBase}/api/v1/clusters/${id}/namespaces/shop/pods/${pod}`;
      const logs = await open(`${base}/log?tailLines=5`, LOG_STREAM_PROTOCOL);
      await waitUntil('log lines', () => logs.texts.some((text) => !text.startsWith('{')), { intervalMs: 10 });
      logs.ws.close();
      const tunnelsBeforeExec = proxy.tunnels.length;
      expect(tunnelsBeforeExec).toBeGreaterThan(0);
      const exec = await open(`${base}/exec?command=sh&command=-c&command=echo%20via-proxy&tty=false&stdin=false`, EXEC_STREAM_PROTOCOL);
      await waitUntil('the command output', () => exec.texts.some((text) => text.includes('via-proxy')), { intervalMs: 10 });
      exec.ws.close();
      // the terminal opened a tunnel of its own
      expect(proxy.tunnels.length).toBeGreaterThan(tunnelsBeforeExec);
      expect(proxy.tunnels.every((tunnel) => tunnel.endsWith(new URL(sim.url).host))).toBe(true);
    });
  }
});
