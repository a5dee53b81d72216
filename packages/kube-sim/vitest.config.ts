import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'kube-sim',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
