import { defineConfig } from 'vite';

// Pages only; the demo's server (server/main.ts) serves dist/ and the /demo-api endpoints.
export default defineConfig({
  server: { proxy: { '/demo-api': process.env.HOST_DEMO_SERVER ?? 'http://127.0.0.1:5180' } },
  build: { chunkSizeWarningLimit: 2000 },
});
