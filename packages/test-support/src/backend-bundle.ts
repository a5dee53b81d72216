// The backend as one JavaScript file, built with esbuild once per test process (about 0.2 s), so a
// test starting backend processes does not pay for tsx compiling and resolving every module at
// each start. Only the workspace's own packages are bundled; every other import stays external
// and resolves from apps/backend-k8s/node_modules, which is why the bundle is written below it.
// Migrations are emitted next to it as separate files, as the backend loads them from a folder.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const backendDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'apps', 'backend-k8s');

const externalDependencies: Plugin = {
  name: 'external-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@k8s-console/') ? undefined : { path: args.path, external: true }));
  },
};

let built: Promise<string> | undefined;

/** Path of the bundled backend entry (src/main.ts); built on first call, removed at process exit. */
export function backendBundle(): Promise<string> {
  built ??= buildBundle();
  return built;
}

async function buildBundle(): Promise<string> {
  const outdir = join(backendDir, 'node_modules', '.cache', 'test-bundles', `backend-${process.pid}-${Date.now()}`);
  mkdirSync(outdir, { recursive: true });
  process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
  const migrationsDir = join(backendDir, 'src', 'db', 'migrations');
  const entryPoints: Record<string, string> = { main: join(backendDir, 'src', 'main.ts') };
  for (const file of readdirSync(migrationsDir)) {
    if (/^\d{4}_.*\.ts$/.test(file) && !file.includes('.test.')) entryPoints[`migrations/${file.replace(/\.ts$/, '')}`] = join(migrationsDir, file);
  }
  await build({
    entryPoints,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    plugins: [externalDependencies],
    logLevel: 'error',
  });
  return join(outdir, 'main.mjs');
}
