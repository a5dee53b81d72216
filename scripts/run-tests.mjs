// `npm test`: install if needed, run every package's tests in one vitest run, and end with a
// plain "N passed, N failed, N skipped" line that CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled, root, toolchainEnv } from './toolchain.mjs';

ensureInstalled();
const results = join(root, '.vitest-results.json');
rmSync(results, { force: true });
const args = ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...process.argv.slice(2)];
const run = spawnSync('pnpm', args, { stdio: 'inherit', cwd: root, env: toolchainEnv() });
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  if (r.numTotalTests === 0) {
    console.error('no test ran');
    process.exit(1);
  }
  if (r.numFailedTests > 0 || r.success === false) process.exit(run.status || 1);
}
process.exit(run.status ?? 1);
