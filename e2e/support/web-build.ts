// Builds the web console once per test process into a temporary folder (E2E_WEB_DIST reuses an
// existing build instead, to iterate quickly on tests).
import { existsSync, mkdtempSync } from 'node:fs';
import { inject } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess } from './child-process';
import { webDir } from './paths';

let build: Promise<string> | null = null;

export function buildWebOnce(): Promise<string> {
  if (process.env.E2E_WEB_DIST && existsSync(join(process.env.E2E_WEB_DIST, 'index.html'))) {
    return Promise.resolve(process.env.E2E_WEB_DIST);
  }
  const provided = providedWebDist();
  if (provided) return Promise.resolve(provided);
  build ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'kc-e2e-web-'));
    const vite = join(webDir, 'node_modules/vite/bin/vite.js');
    const run = startProcess(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      name: 'vite build',
      cwd: webDir,
      env: { ...process.env, VITE_BASE: '/', NODE_ENV: 'production' },
    });
    const code = await new Promise<number | null>((resolve) => run.child.once('exit', (c) => resolve(c)));
    if (code !== 0 || !existsSync(join(outDir, 'index.html'))) {
      throw new Error(`vite build failed (${code}):\n${run.output().slice(-4000)}`);
    }
    return outDir;
  })();
  return build;
}

/** The build the global setup made, when running under vitest with it. */
function providedWebDist(): string | undefined {
  try {
    const dir = inject('webDist');
    return dir && existsSync(join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined; // not inside a vitest worker (e.g. a script)
  }
}
