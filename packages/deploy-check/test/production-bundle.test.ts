// What the backend image runs, built the way deploy/backend.Dockerfile builds it (pnpm deploy
// --prod) and started the way it starts it (node + tsx's loader, NODE_ENV=production) on
// PostgreSQL: it must come up ready without any devDependency, kube-sim included.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BackendProcess, freePorts, freshPostgresDatabase } from '@k8s-console/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/repo-paths';

const db = await freshPostgresDatabase();

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env: { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir || dirname(dirname(process.execPath)) }, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stdout}${stderr}`)) : resolve(stdout + stderr),
    );
  });
}

describe.runIf(db.available)('the production backend bundle', () => {
  let out: string;
  let backend: BackendProcess | undefined;

  beforeAll(async () => {
    out = join(mkdtempSync(join(tmpdir(), 'deploy-check-bundle-')), 'app');
    await run('pnpm', ['--filter', '@k8s-console/backend-k8s', 'deploy', '--prod', '--offline', out], repoRoot);
  }, 120_000);

  afterAll(async () => {
    backend?.kill();
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

  it('starts ready with NODE_ENV=production, then shuts down on SIGTERM', { timeout: 200_000 }, async () => {
    const [port] = await freePorts(1);
    backend = new BackendProcess(
      port!,
      {
        NODE_ENV: 'production',
        DATA_DIR: join(dirname(out), 'data'),
        DATABASE_URL: db.url,
        KUBECONFIG_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        JWT_SECRET: randomBytes(32).toString('hex'),
        INTERNAL_SECRET: randomBytes(32).toString('hex'),
        ADMIN_PASSWORD: 'production-bundle-password',
        LOG_LEVEL: 'info',
      },
      { tsxFrom: out },
    );
    await backend.start();
    expect(await backend.stop(), backend.log).toBe(0);
    expect(backend.log).toContain('shut down');
    // secrets never reach the log
    expect(backend.log).not.toContain('production-bundle-password');
  });
});
