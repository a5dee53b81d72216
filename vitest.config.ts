import { defineConfig } from 'vitest/config';

// One run over every package: each package with tests has its own vitest.config.ts.
export default defineConfig({
  test: {
    projects: ['apps/*/vitest.config.ts', 'packages/*/vitest.config.ts', 'e2e*/vitest.config.ts'],
  },
});
