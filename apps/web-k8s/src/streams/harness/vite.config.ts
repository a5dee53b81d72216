// Builds the streams harness page (see main.ts) for the browser test.
import vue from '@vitejs/plugin-vue';
import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [vue()],
  resolve: { alias: { '#': fileURLToPath(new URL('../..', import.meta.url)) } },
  logLevel: 'warn',
  build: { chunkSizeWarningLimit: 2000 },
});
