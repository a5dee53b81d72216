// What the backend image runs, built the way deploy/backend.Dockerfile builds it (pnpm deploy
// --prod) and started the way it starts it (node + tsx's loader, NODE_ENV=production) on
// PostgreSQL: it must come up ready without any devDependency, kube-sim included.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freshPostgresDatabase } from '@k8s-console/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/repo-paths';

const db = await freshPostgresDatabase();
const tsxLoader = join(dirname(createRequire(join(repoRoot, 'package.json')).resolve('tsx/package.json')), 'dist', 'loader.mjs');

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env: { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir || dirname(dirname(process.execPath)) }, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stdout}${stderr}`)) : resolve(stdout + stderr),
    );
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

describe.runIf(db.available)('the production backend bundle', () => {
  let out: string;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    out = join(mkdtempSync(join(tmpdir(), 'deploy-check-bundle-')), 'app');
    await run('pnpm', ['--filter', '@k8s-console/backend-k8s', 'deploy', '--prod', '--offline', out], repoRoot);
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (out) rmSync(dirname(out), { recursive: true, force: true });
    await db.drop();
  });

  it('holds production dependencies only', () => {
    expect(existsSync(join(out, 'node_modules', 'fastify'))).toBe(true);
    expect(existsSync(join(out, 'node_modules', '@k8s-console', 'contracts'))).toBe(true);
    for (const dev of ['@k8s-console/kube-sim', '@k8s-console/test-support', 'vitest', 'tsx']) {
      expect(existsSync(join(out, 'node_modules', dev)), dev).toBe(false);
    }
  });

  it('starts ready with NODE_ENV=production, then shuts down on SIGTERM', async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', tsxLoader, 'src/main.ts'], {
      cwd: out,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: join(dirname(out), 'data'),
        DATABASE_URL: db.url,
        KUBECONFIG_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        JWT_SECRET: randomBytes(32).toString('hex'),
        INTERNAL_SECRET: randomBytes(32).toString('hex'),
        ADMIN_PASSWORD: 'production-bundle-password',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c) => (output += c));
    child.stderr!.on('data', (c) => (output += c));
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));

    let ready: number | undefined;
    for (let i = 0; i < 600 && child.exitCode === null; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null);
      if (res) {
        ready = res.status;
        if (res.ok) break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready, output).toBe(200);
    child.kill('SIGTERM');
    expect(await exited, output).toBe(0);
    expect(output).toContain('shut down');
    // secrets never reach the log
    expect(output).not.toContain('production-bundle-password');
  });
});
