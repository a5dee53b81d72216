// Toasts stay inside the console: under a qiankun host they render in the console's container
// with its class prefix, never in the host's document.body with antd's default one.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp, defineComponent, h, onMounted } from 'vue';
import { App as AntApp, ConfigProvider, createCache, StyleProvider } from 'ant-design-vue';
import { useToast } from './toast';

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|vue)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('useToast', { timeout: 60_000 }, () => {
  it("shows toasts in the console's popup container with its class prefix", async () => {
    const container = document.createElement('div');
    const root = document.createElement('div');
    container.appendChild(root);
    document.body.appendChild(container);

    const Probe = defineComponent({
      setup() {
        const toast = useToast();
        onMounted(() => void toast.success('cluster saved'));
        return () => null;
      },
    });
    const app = createApp({
      render: () =>
        h(StyleProvider, { container, cache: createCache() }, () =>
          h(ConfigProvider, { prefixCls: 'k8sc', getPopupContainer: () => container }, () => h(AntApp, null, () => h(Probe))),
        ),
    });
    app.mount(root);
    await settle();

    const notice = container.querySelector('.k8sc-message');
    expect(notice?.textContent).toContain('cluster saved');
    expect(document.querySelector('.ant-message')).toBeNull();
    // antd's message styles went to the console's style container, not the host's <head>
    expect(document.head.innerHTML).not.toMatch(/-message/);

    app.unmount();
    container.remove();
    expect(document.body.textContent).not.toContain('cluster saved');
  });

  it("is the only way the console shows toasts (antd's static message is not imported elsewhere)", () => {
    const src = join(import.meta.dirname, '..', '..');
    const offenders = sourceFiles(src).filter(
      (file) => !file.endsWith(join('feedback', 'toast.ts')) && /import\s*{[^}]*\bmessage\b[^}]*}\s*from\s*'ant-design-vue'/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
