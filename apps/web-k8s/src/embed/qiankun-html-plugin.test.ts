// The built index.html under qiankun: the module script and preloads are skipped by qiankun (but
// not by browsers), and a classic entry script forwards the lifecycle to the qiankun entry module.
import { describe, expect, it } from 'vitest';
import type { IndexHtmlTransformContext, ResolvedConfig } from 'vite';
import { qiankunHtmlPlugin } from './qiankun-html-plugin';

type Hook = (html: string, ctx: IndexHtmlTransformContext) => string;

function transform(html: string, bundle: Record<string, unknown>): string {
  const plugin = qiankunHtmlPlugin({ appName: 'k8s-console', entry: 'src/embed/qiankun-entry.ts' });
  (plugin.configResolved as (c: ResolvedConfig) => void)({ base: '/k8s/' } as ResolvedConfig);
  const hook = (plugin.transformIndexHtml as { handler: Hook }).handler;
  return hook(html, { bundle, path: '/index.html', filename: 'index.html' } as unknown as IndexHtmlTransformContext);
}

const html = `<html><head><script type="module" crossorigin src="/k8s/assets/index-a.js"></script><link rel="modulepreload" crossorigin href="/k8s/assets/x.js"><link rel="stylesheet" href="/k8s/assets/style.css"></head><body><div id="app"></div></body></html>`;

describe('qiankun html plugin', () => {
  it('marks module scripts and preloads ignored and appends the lifecycle entry', () => {
    const out = transform(html, {
      'assets/qiankun-b.js': { type: 'chunk', isEntry: true, facadeModuleId: '/repo/apps/web-k8s/src/embed/qiankun-entry.ts', fileName: 'assets/qiankun-b.js' },
    });
    expect(out).toContain('<script type="module" ignore crossorigin src="/k8s/assets/index-a.js">');
    expect(out).toContain('<link rel="modulepreload" ignore');
    expect(out).toContain('<link rel="stylesheet" href="/k8s/assets/style.css">');
    expect(out).toMatch(/<script entry>[\s\S]*"\/k8s\/assets\/qiankun-b\.js"[\s\S]*__INJECTED_PUBLIC_PATH_BY_QIANKUN__[\s\S]*<\/script>\n<\/body>/);
  });

  it('exposes a lifecycle only under qiankun, and removes its global at bootstrap', async () => {
    const out = transform(html, {
      q: { type: 'chunk', isEntry: true, facadeModuleId: '/x/src/embed/qiankun-entry.ts', fileName: 'assets/q.js' },
    });
    const script = /<script entry>([\s\S]*?)<\/script>/.exec(out)![1]!;
    const run = (global: Record<string, unknown>) => new Function('window', script)(global);

    const standalone: Record<string, unknown> = {};
    run(standalone);
    expect(Object.keys(standalone)).toEqual([]);

    const sandbox: Record<string, unknown> = { __POWERED_BY_QIANKUN__: true, __INJECTED_PUBLIC_PATH_BY_QIANKUN__: 'http://127.0.0.1:3000/k8s/' };
    run(sandbox);
    const lifecycle = sandbox['k8s-console'] as Record<string, (p?: unknown) => Promise<unknown>>;
    expect(Object.keys(lifecycle).sort()).toEqual(['bootstrap', 'mount', 'unmount', 'update']);
    // bootstrap imports http://127.0.0.1:3000/k8s/assets/q.js, which does not exist here: it rejects,
    // but the global is gone first.
    await lifecycle.bootstrap!().catch(() => undefined);
    expect('k8s-console' in sandbox).toBe(false);
  });

  it('fails the build when the qiankun entry is not a build input', () => {
    expect(() => transform(html, {})).toThrow(/rollupOptions\.input/);
  });
});
