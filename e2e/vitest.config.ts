import { defineConfig } from 'vitest/config';
import { fileURLToPath, URL } from 'node:url';

// Browser tests: real Chromium (playwright-core) against a real backend process and a kube-sim.
export default defineConfig({
  test: {
    name: 'e2e',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.e2e.test.ts'],
    globalSetup: ['./support/global-setup.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    // Each file starts its own processes and browser; running files one by one keeps 2 cores usable.
    fileParallelism: false,
  },
});
