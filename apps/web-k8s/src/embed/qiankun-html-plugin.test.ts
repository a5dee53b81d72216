// The built index.html under qiankun: the module script and preloads are skipped by qiankun (but
// not by browsers), and a classic entry script forwards the lifecycle to the qiankun entry module.
import { describe, expect, it } from 'vitest';
import type { IndexHtmlTransformContext, ResolvedConfig } from 'vite';
import { qiankunHtmlPlugin, shimScript } from './qiankun-html-plugin';

type GenerateBundle = (this: unknown, output: unknown, bundle: Record<string, unknown>) => void;
type TransformHtml = (html: string, ctx: IndexHtmlTransformContext) => string;

function build(html: string, bundle: Record<string, unknown>) {
  const plugin = qiankunHtmlPlugin({ appName: 'k8s-console', entry: 'src/embed/qiankun-entry.ts' });
  (plugin.configResolved as (c: ResolvedConfig) => void)({ base: '/k8s/' } as ResolvedConfig);
  const emitted: { name: string; source: string }[] = [];
  const context = {
    emitFile: (file: { name: string; source: string }) => emitted.push(file),
    getFileName: () => 'assets/qiankun-shim-h.js',
    error: (message: string) => {
      throw new Error(message);
    },
  };
  (plugin.generateBundle as { handler: GenerateBundle }).handler.call(context, {}, bundle);
  const out = (plugin.transformIndexHtml as { handler: TransformHtml }).handler(html, {} as IndexHtmlTransformContext);
  return { out, emitted };
}

const html = `<html><head><script type="module" crossorigin src="/k8s/assets/index-a.js"></script><link rel="modulepreload" crossorigin href="/k8s/assets/x.js"><link rel="stylesheet" href="/k8s/assets/style.css"></head><body><div id="app"></div></body></html>`;
const qiankunChunk = { type: 'chunk', isEntry: true, facadeModuleId: '/repo/apps/web-k8s/src/embed/qiankun-entry.ts', fileName: 'assets/qiankun-b.js' };

describe('qiankun html plugin', () => {
  it('marks module scripts and preloads ignored and appends the lifecycle entry script', () => {
    const { out, emitted } = build(html, { 'assets/qiankun-b.js': qiankunChunk });
    expect(out).toContain('<script type="module" ignore crossorigin src="/k8s/assets/index-a.js">');
    expect(out).toContain('<link rel="modulepreload" ignore');
    expect(out).toContain('<link rel="stylesheet" href="/k8s/assets/style.css">');
    expect(out).toContain('<script entry src="/k8s/assets/qiankun-shim-h.js"></script>\n</body>');
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.source).toContain('"/k8s/assets/qiankun-b.js"');
  });

  it('exposes a lifecycle only under qiankun, and removes its global at bootstrap', async () => {
    const script = shimScript('k8s-console', '/k8s/assets/q.js');
    const run = (global: Record<string, unknown>) => new Function('window', script)(global);

    const standalone: Record<string, unknown> = {};
    run(standalone);
    expect(Object.keys(standalone)).toEqual([]);

    const sandbox: Record<string, unknown> = { __POWERED_BY_QIANKUN__: true, __INJECTED_PUBLIC_PATH_BY_QIANKUN__: 'http://127.0.0.1:3000/k8s/' };
    run(sandbox);
    const lifecycle = sandbox['k8s-console'] as Record<string, (p?: unknown) => Promise<unknown>>;
    expect(Object.keys(lifecycle).sort()).toEqual(['bootstrap', 'mount', 'unmount', 'update']);
    // bootstrap imports http://127.0.0.1:3000/k8s/assets/q.js, absent here: it rejects, but the global is gone first.
    await lifecycle.bootstrap!().catch(() => undefined);
    expect('k8s-console' in sandbox).toBe(false);
  });

  it('fails the build when the qiankun entry is not a build input', () => {
    expect(() => build(html, {})).toThrow(/rollupOptions\.input/);
  });
});
