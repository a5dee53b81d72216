// The kube-sim command: starts, writes a working kubeconfig, announces its URL, stops on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const bin = new URL('../../bin/kube-sim.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'kube-sim-cli-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ url: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kube-sim did not start: ${out}${err}`)), 20_000);
    child.on('exit', (code) => reject(new Error(`kube-sim exited with ${code}: ${err}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /kube-sim listening on (\S+)\n/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1] ?? '',
        stop: () => new Promise((done) => {
          child.removeAllListeners('exit');
          child.on('exit', (code) => done(code));
          child.kill('SIGTERM');
        }),
      });
    });
  });
}

describe('kube-sim command', () => {
  it('serves plain HTTP with --http, writes a 0600 kubeconfig with a token, and exits 0 on SIGTERM', async () => {
    const file = join(dir, 'http.kubeconfig');
    const sim = await run(['--port', '0', '--http', '--kubeconfig-out', file, '--context', 'local']);
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const config = parse(readFileSync(file, 'utf8'));
    expect(config['current-context']).toBe('local');
    expect(config.clusters[0].cluster.server).toBe(sim.url);
    const token = config.users[0].user.token as string;
    const ok = await fetch(`${sim.url}/api/v1/namespaces`, { headers: { Authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    const denied = await fetch(`${sim.url}/api/v1/namespaces`);
    expect(denied.status).toBe(401);
    expect(await sim.stop()).toBe(0);
  });

  it('serves requests without credentials with --allow-anonymous (kubectl sends none over plain HTTP), still refusing a wrong token', async () => {
    const sim = await run(['--port', '0', '--http', '--allow-anonymous']);
    expect((await fetch(`${sim.url}/api/v1/namespaces`)).status).toBe(200);
    expect((await fetch(`${sim.url}/api/v1/namespaces`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect(await sim.stop()).toBe(0);
  });

  it('serves HTTPS by default with the CA in the kubeconfig', async () => {
    const file = join(dir, 'https.kubeconfig');
    const sim = await run(['--port', '0', '--kubeconfig-out', file]);
    expect(sim.url).toMatch(/^https:\/\//);
    const config = parse(readFileSync(file, 'utf8'));
    const ca = Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
    expect(ca).toContain('BEGIN CERTIFICATE');
    expect(await sim.stop()).toBe(0);
  });
});
