// main.ts as a real process: it starts from env, answers, and on SIGTERM stops accepting, finishes
// the request in flight, closes the database and exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { kubeconfigFor, startFakeApiserver } from './fake-apiserver.js';

const appDir = dirname(dirname(fileURLToPath(import.meta.url)));

function startMain(env: Record<string, string>): { child: ChildProcess; output: () => string; waitFor: (re: RegExp) => Promise<RegExpMatchArray> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of [...waiters]) {
      const m = out.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return {
    child,
    output: () => out,
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        const m = out.match(re);
        if (m) return resolve(m);
        waiters.push({ re, resolve });
        child.once('exit', () => setTimeout(() => reject(new Error(`exited before ${re}: ${out}`)), 50));
      }),
  };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

describe('main.ts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kc-main-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stops with one line naming a wrong variable', async () => {
    const run = startMain({ DATA_DIR: dataDir, PORT: 'eighty' });
    expect(await exited(run.child)).toBe(1);
    expect(run.output().trim()).toBe('configuration error: PORT: expected an integer from 0 to 65535, got "eighty"');
  });

  it('finishes the request in flight on SIGTERM, refuses new ones, and exits 0', async () => {
    const apiserver = await startFakeApiserver();
    apiserver.delayMs = 1500;
    const run = startMain({ DATA_DIR: dataDir, ADMIN_PASSWORD: 'main-test-password' });
    try {
      const [, base] = await run.waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'main-test-password' }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const inFlight = fetch(`${base}/api/v1/clusters/test`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ kubeconfig: kubeconfigFor(apiserver.url) }),
      });
      while (apiserver.requests === 0) await new Promise((r) => setTimeout(r, 20));
      run.child.kill('SIGTERM');
      await run.waitFor(/shutting down/);
      await expect(fetch(`${base}/health/live`)).rejects.toThrow();
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, version: 'v1.31.2-fake' });
      expect(await exited(run.child)).toBe(0);
      expect(run.output()).toMatch(/"msg":"shut down"/);
    } finally {
      run.child.kill('SIGKILL');
      await apiserver.close();
    }
  });
});
