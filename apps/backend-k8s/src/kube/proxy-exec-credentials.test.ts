// A cluster whose kubeconfig gets its token from an allowed exec plugin: the proxy runs the
// plugin (once, then reuses the token) and a failing plugin is a 502 naming the cluster.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';
import { GOOD_TOKEN, startFakeApiserver, type FakeApiserver } from '../../test/fake-apiserver.js';

function execKubeconfig(server: string, caPem: string, script: string): string {
  return `apiVersion: v1
kind: Config
current-context: main
clusters:
- name: c1
  cluster:
    server: ${server}
    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}
users:
- name: u1
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${process.execPath}
      args: ["-e", ${JSON.stringify(script)}]
contexts:
- name: main
  context: {cluster: c1, user: u1}
`;
}

describe('proxy with exec-plugin credentials', () => {
  let t: TestApp;
  let apiserver: FakeApiserver;
  beforeAll(async () => {
    t = await buildTestApp({ allowedExecPlugins: [process.execPath] });
    apiserver = await startFakeApiserver({ tls: true });
  });
  afterAll(async () => {
    await t.close();
    await apiserver.close();
    expect(t.logs.join('\n')).not.toContain(GOOD_TOKEN);
  });

  async function addCluster(name: string, script: string): Promise<string> {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/clusters?skipTest=true', headers: t.auth, payload: { name, kubeconfig: execKubeconfig(apiserver.url, apiserver.caPem!, script) } });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  }

  it('sends the token the plugin printed', async () => {
    const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: GOOD_TOKEN } };
    const id = await addCluster('exec-ok', `console.log(JSON.stringify(${JSON.stringify(credential)}))`);
    for (let i = 0; i < 2; i++) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/clusters/${id}/k8s/version`, headers: t.auth });
      expect(res.statusCode, res.body).toBe(200);
    }
  });

  it('answers 502 naming the cluster when the plugin fails', async () => {
    const id = await addCluster('exec-broken', 'process.exit(3)');
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/clusters/${id}/k8s/version`, headers: t.auth });
    expect(res.statusCode).toBe(502);
    expect(res.json().error).toMatchObject({ code: 'CLUSTER_CREDENTIALS_FAILED', message: expect.stringContaining('"exec-broken"') });
  });

  it('over HTTP (the fast path): the same token and the same 502, the failing plugin run once per request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-runs-'));
    try {
      const runs = join(dir, 'runs');
      const id = await addCluster('exec-broken-http', `require('fs').appendFileSync(${JSON.stringify(runs)}, 'x'); process.exit(3)`);
      const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: GOOD_TOKEN } };
      const okId = await addCluster('exec-ok-http', `console.log(JSON.stringify(${JSON.stringify(credential)}))`);
      if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      const ok = await fetch(`${base}/api/v1/clusters/${okId}/k8s/version`, { headers: t.auth });
      expect(ok.status, await ok.clone().text()).toBe(200);
      const res = await fetch(`${base}/api/v1/clusters/${id}/k8s/version`, { headers: t.auth });
      expect(res.status).toBe(502);
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({ code: 'CLUSTER_CREDENTIALS_FAILED', message: expect.stringContaining('"exec-broken-http"') });
      expect(readFileSync(runs, 'utf8')).toBe('x');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
