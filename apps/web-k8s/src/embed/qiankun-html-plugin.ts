// Makes the built index.html loadable by qiankun 2 without vite-plugin-qiankun's globals.
// qiankun fetches index.html and evaluates its scripts as classic scripts in a sandbox, which an
// ES module cannot survive. So, at build time:
// - the module script and modulepreload links get `ignore` (qiankun skips them, browsers do not);
// - a small classic script, marked as qiankun's `entry`, is appended: under qiankun it exposes
//   bootstrap/mount/update/unmount that import the separate qiankun entry module by absolute URL
//   (from qiankun's injected public path) and forward to it; standalone it does nothing. It is a
//   file of its own, not inline, so a `script-src 'self'` CSP (nginx/) lets it load.
// The lifecycle global it sets is deleted again at bootstrap, once qiankun holds the functions,
// so even a host running without the JS sandbox keeps a clean window.
import type { Plugin, ResolvedConfig } from 'vite';

export interface QiankunHtmlOptions {
  /** Global name qiankun falls back to; hosts may register the app under another name. */
  appName: string;
  /** Path suffix of the qiankun entry module (also a build input), e.g. "src/embed/qiankun-entry.ts". */
  entry: string;
}

export function qiankunHtmlPlugin(options: QiankunHtmlOptions): Plugin {
  let config: ResolvedConfig;
  let shimFileName = '';
  return {
    name: 'k8s-console:qiankun-html',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    generateBundle: {
      // before Vite writes index.html, which needs the shim's hashed name
      order: 'pre',
      handler(_output, bundle) {
        const chunk = Object.values(bundle).find(
          (c) => c.type === 'chunk' && c.isEntry && (c.facadeModuleId ?? '').endsWith(options.entry),
        );
        if (!chunk) this.error(`qiankun-html: no entry chunk for ${options.entry}; add it to build.rollupOptions.input`);
        const ref = this.emitFile({ type: 'asset', name: 'qiankun-shim.js', source: shimScript(options.appName, `${config.base}${chunk.fileName}`) });
        shimFileName = this.getFileName(ref);
      },
    },
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        if (!shimFileName) throw new Error('qiankun-html: the shim was not emitted');
        const marked = html
          .replace(/<script type="module"/g, '<script type="module" ignore')
          .replace(/<link rel="modulepreload"/g, '<link rel="modulepreload" ignore');
        return marked.replace('</body>', `<script entry src="${config.base}${shimFileName}"></script>\n</body>`);
      },
    },
  };
}

/** The classic script qiankun runs as the app's entry (exported for its test). */
export function shimScript(appName: string, src: string): string {
  return `(function (global) {
  if (!global.__POWERED_BY_QIANKUN__) return;
  var name = ${JSON.stringify(appName)};
  var url = new URL(${JSON.stringify(src)}, global.__INJECTED_PUBLIC_PATH_BY_QIANKUN__ || location.href).href;
  var hook = function (fn) {
    return function (props) {
      return import(url).then(function (m) { return m[fn](props); });
    };
  };
  var bootstrap = hook('bootstrap');
  global[name] = {
    bootstrap: function (props) {
      try { delete global[name]; } catch (e) { global[name] = undefined; }
      return bootstrap(props);
    },
    mount: hook('mount'),
    update: hook('update'),
    unmount: hook('unmount')
  };
})(window);
`;
}
