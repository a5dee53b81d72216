import { defineConfig, loadEnv } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath, URL } from 'node:url';

// The base path is a build-time default (VITE_BASE, e.g. /k8s/); the router and the runtime
// config still follow where the app is really served from (see src/config/runtime-config.ts).
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), '');
  const base = normaliseBase(env.VITE_BASE ?? '/');
  return {
    base,
    plugins: [vue()],
    resolve: { alias: { '#': fileURLToPath(new URL('./src', import.meta.url)) } },
    build: { chunkSizeWarningLimit: 2000 },
    server: {
      proxy: { '/api': { target: env.VITE_DEV_BACKEND ?? 'http://127.0.0.1:3000', ws: true } },
    },
  };
});

function normaliseBase(base: string): string {
  if (base === './' || base === '') return './';
  return `/${base.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
}
