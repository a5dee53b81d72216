import { defineConfig } from 'vitest/config';
import { fileURLToPath, URL } from 'node:url';

export default defineConfig({
  test: {
    name: 'host-demo',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['server/**/*.test.ts'],
  },
});
