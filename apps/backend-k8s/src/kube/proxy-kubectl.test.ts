// A real client nobody here wrote, through the console's proxy: kubectl pointed at
// /api/v1/clusters/<id>/k8s with the console token does discovery, Table output, apply, patch,
// watch and delete exactly as against an apiserver.
import { execFile, spawn } from 'node:child_process';
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath } from '@k8s-console/test-support';
import { startSimCluster, type SimCluster } from './testing/sim-cluster.js';

const kubectl = kubectlPath();
const run = promisify(execFile);

describe.runIf(kubectl.available)('kubectl through the console proxy', () => {
  let c: SimCluster;
  let dir: string;
  let kubeconfig: string;
  let terminator: tls.Server;

  beforeAll(async () => {
    c = await startSimCluster({ seed: 'demo' });
    // kubectl sends no bearer token over plain http: put TLS in front of the backend, as nginx would.
    const pems = await generate([{ name: 'commonName', value: 'console' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    const backendPort = Number(new URL(c.baseUrl).port);
    terminator = tls.createServer({ key: pems.private, cert: pems.cert }, (socket) => {
      const upstream = net.connect(backendPort, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => terminator.listen(0, '127.0.0.1', resolve));
    const tlsUrl = `https://127.0.0.1:${(terminator.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'kc-kubectl-'));
    kubeconfig = join(dir, 'config');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
current-context: console
clusters:
- name: console
  cluster:
    server: ${tlsUrl}/api/v1/clusters/${c.clusterId}/k8s
    certificate-authority-data: ${Buffer.from(pems.cert).toString('base64')}
users:
- name: me
  user:
    token: ${c.token}
contexts:
- name: console
  context: {cluster: console, user: me, namespace: default}
`,
      { mode: 0o600 },
    );
  });
  afterAll(async () => {
    terminator?.close();
    await c?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const k = async (...args: string[]) => (await run(kubectl.path, [`--kubeconfig=${kubeconfig}`, '--request-timeout=20s', ...args], { timeout: 30_000 })).stdout;

  it('discovers resources and prints Tables', async () => {
    expect(await k('api-resources', '--api-group=apps', '-o', 'name')).toContain('deployments.apps');
    const table = await k('get', 'pods', '-n', 'kube-system');
    expect(table).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    expect(await k('get', 'nodes', '-o', 'name')).toMatch(/^node\//m);
  });

  it('applies, patches and deletes', async () => {
    const manifest = join(dir, 'cm.yaml');
    writeFileSync(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: via-kubectl\ndata:\n  a: "1"\n');
    expect(await k('apply', '-f', manifest)).toContain('configmap/via-kubectl created');
    expect(await k('apply', '--server-side', '-f', manifest)).toContain('serverside-applied');
    await k('patch', 'configmap', 'via-kubectl', '--type=merge', '-p', '{"data":{"b":"2"}}');
    expect(JSON.parse(await k('get', 'configmap', 'via-kubectl', '-o', 'json')).data).toEqual({ a: '1', b: '2' });
    expect(await k('delete', 'configmap', 'via-kubectl')).toContain('deleted');
  });

  it('watches (kubectl get -w) through the proxy', async () => {
    c.sim.store.create('configmaps', { metadata: { name: 'listed-first', namespace: 'default' } });
    const child = spawn(kubectl.path, [`--kubeconfig=${kubeconfig}`, 'get', 'configmaps', '-w', '-o', 'name'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await expect.poll(() => out, { timeout: 15_000 }).toContain('configmap/listed-first');
      c.sim.store.create('configmaps', { metadata: { name: 'watched-by-kubectl', namespace: 'default' } });
      await expect.poll(() => out, { timeout: 15_000 }).toContain('configmap/watched-by-kubectl');
    } finally {
      child.kill();
    }
  });
});
