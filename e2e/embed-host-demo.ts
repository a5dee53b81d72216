// The host demo for the embedding tests: its pages built once, its server run in-process on a
// port of its own and reached as http://localhost:<port>, while the console stays on
// http://127.0.0.1:<port>, so every origin check in the handshake is real.
import { existsSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { createHostServer } from '../apps/host-demo/server/host-server';
import { startProcess } from './support/child-process';
import { repoRoot } from './support/paths';

export const HOST_USER = { username: 'hana', password: 'hana-host-password', groups: ['ops'] };
export const SSO = { secret: 'e2e-sso-shared-secret-0123456789abcdef', issuer: 'acme-portal', audience: 'k8s-console' };

export async function buildHostDemo(): Promise<string> {
  const hostDir = join(repoRoot, 'apps/host-demo');
  const outDir = mkdtempSync(join(tmpdir(), 'kc-e2e-host-'));
  const run = startProcess(process.execPath, [join(hostDir, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    name: 'host-demo build',
    cwd: hostDir,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const code = await new Promise<number | null>((resolve) => run.child.once('exit', (c) => resolve(c)));
  if (code !== 0 || !existsSync(join(outDir, 'index.html'))) throw new Error(`host-demo build failed (${code}):\n${run.output().slice(-4000)}`);
  return outDir;
}

export interface HostDemo {
  /** http://localhost:<port>: the origin to list in EMBED_ALLOWED_ORIGINS */
  origin: string;
  /** the same server as http://127.0.0.1:<port>: a foreign origin for the console */
  foreignOrigin: string;
  setConsoleUrl(url: string): void;
  stop(): Promise<void>;
}

export async function startHostDemo(distDir: string): Promise<HostDemo> {
  let consoleUrl = '';
  const server: Server = createHostServer({ distDir, consoleUrl: () => consoleUrl, sso: SSO, users: [HOST_USER] });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    foreignOrigin: `http://127.0.0.1:${port}`,
    setConsoleUrl(url) {
      consoleUrl = url;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
