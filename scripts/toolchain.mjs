// Makes `npm start` and `npm test` work on a machine that has only Node.js and npm:
// finds or installs the pinned pnpm, and points native builds (better-sqlite3) at the running
// Node's own headers so node-gyp does not try to download them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = dirname(dirname(fileURLToPath(import.meta.url)));
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).toolchain.pnpm;

export function toolchainEnv(extra = {}) {
  return {
    ...process.env,
    npm_config_nodedir: process.env.npm_config_nodedir || dirname(dirname(process.execPath)),
    ...extra,
  };
}

function pnpmVersion() {
  try {
    return execFileSync('pnpm', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function ensurePnpm() {
  const found = pnpmVersion();
  if (found === pinned) return;
  console.log(`[toolchain] installing pnpm ${pinned} (found ${found ?? 'none'})`);
  run('npm', ['install', '--global', `pnpm@${pinned}`]);
}

export function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts, env: toolchainEnv(opts.env) });
  if (result.status !== 0) {
    console.error(`[toolchain] ${cmd} ${args.join(' ')} failed with ${result.status ?? result.signal}`);
    process.exit(result.status ?? 1);
  }
}

/** Installs the workspace's dependencies once; later calls are a quick no-op check by pnpm. */
export function ensureInstalled() {
  ensurePnpm();
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) && process.env.CI ? ['--frozen-lockfile'] : [];
  run('pnpm', ['install', ...frozen]);
}
