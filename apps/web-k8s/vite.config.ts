import { defineConfig, loadEnv } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath, URL } from 'node:url';
import { qiankunHtmlPlugin } from './src/embed/qiankun-html-plugin';

// The base path is a build-time default (VITE_BASE, e.g. /k8s/); the router and the runtime
// config still follow where the app is really served from (see src/config/runtime-config.ts).
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), '');
  const base = normaliseBase(env.VITE_BASE ?? '/');
  return {
    base,
    plugins: [vue(), qiankunHtmlPlugin({ appName: 'k8s-console', entry: 'src/embed/qiankun-entry.ts' })],
    resolve: { alias: { '#': fileURLToPath(new URL('./src', import.meta.url)) } },
    build: {
      chunkSizeWarningLimit: 2000,
      // Embedding under qiankun (docs/embedding.md): a second entry exporting the lifecycle, one
      // CSS file that qiankun scopes inside its container, and no <link> preloads added to the
      // host's <head> (they would resolve against the host's origin and outlive unmount).
      rollupOptions: {
        input: { index: fileURLToPath(new URL('./index.html', import.meta.url)), qiankun: fileURLToPath(new URL('./src/embed/qiankun-entry.ts', import.meta.url)) },
        preserveEntrySignatures: 'exports-only',
      },
      cssCodeSplit: false,
      modulePreload: false,
    },
    server: {
      proxy: { '/api': { target: env.VITE_DEV_BACKEND ?? 'http://127.0.0.1:3000', ws: true } },
    },
  };
});

function normaliseBase(base: string): string {
  if (base === './' || base === '') return './';
  return `/${base.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
}
