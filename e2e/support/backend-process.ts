// The real backend (apps/backend-k8s/src/main.ts) as a child process serving the built console,
// with its own data directory, so a test can stop it and start it again on the same data.
import { startProcess, type RunningProcess } from './child-process';
import { backendDir } from './paths';

export const ADMIN_USERNAME = 'admin';
export const ADMIN_PASSWORD = 'e2e-Admin-passw0rd-long-enough';

export interface BackendProcess {
  url: string;
  process: RunningProcess;
  stop(): Promise<void>;
}

export async function startBackend(opts: { dataDir: string; webDist: string; env?: Record<string, string> }): Promise<BackendProcess> {
  const run = startProcess(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    name: 'backend',
    cwd: backendDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: opts.dataDir,
      WEB_DIST: opts.webDist,
      ADMIN_USERNAME,
      ADMIN_PASSWORD,
      ...opts.env,
    },
  });
  const [, url] = await run.waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/, 90_000);
  return { url: url!, process: run, stop: () => run.stop() };
}
