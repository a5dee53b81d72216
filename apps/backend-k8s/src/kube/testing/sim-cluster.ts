// Test fixture: a real backend (buildTestApp) with a kube-sim registered as a cluster, and small
// clients for its HTTP API and watch WebSocket.
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { startKubeSim, type KubeSim, type KubeSimOptions } from '@k8s-console/kube-sim';
import { WATCH_PROTOCOL, type WatchServerMessage } from '@k8s-console/contracts';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import type { AppConfig } from '../../config/app-config.js';
import { tokenProtocol } from '../../auth/websocket-token.js';

export interface SimCluster {
  t: TestApp;
  sim: KubeSim;
  clusterId: string;
  token: string;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startSimCluster(simOptions: KubeSimOptions = {}, appOverrides: Partial<AppConfig> = {}): Promise<SimCluster> {
  const sim = await startKubeSim({ port: 0, ...simOptions });
  const t = await buildTestApp(appOverrides);
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/clusters', headers: t.auth, payload: { name: 'sim', kubeconfig: sim.kubeconfig() } });
  if (res.statusCode !== 201) throw new Error(`registering kube-sim failed: ${res.statusCode} ${res.body}`);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (t.app.server.address() as AddressInfo).port;
  return {
    t,
    sim,
    clusterId: (res.json() as { id: string }).id,
    token: t.auth.authorization.slice('Bearer '.length),
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      // fetch (undici) may hold a connection that never sent a request; Node's server.close()
      // would wait for it until the headers timeout.
      const closing = t.close();
      t.app.server.closeAllConnections();
      await closing;
      await sim.stop();
    },
  };
}

/** A watch-hub client that records every message it receives. */
export class WatchClient {
  readonly messages: WatchServerMessage[] = [];
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  closeCode: number | undefined;

  constructor(baseUrl: string, token: string) {
    this.ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/ws`, [WATCH_PROTOCOL, tokenProtocol(token)]);
    this.ws.on('message', (data) => this.messages.push(JSON.parse(data.toString()) as WatchServerMessage));
    this.ws.on('close', (code) => (this.closeCode = code));
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  send(msg: unknown): void {
    this.ws.send(JSON.stringify(msg));
  }

  of(id: string): WatchServerMessage[] {
    return this.messages.filter((m) => m.id === id);
  }

  close(): void {
    this.ws.close();
  }
}
