// The console as a qiankun micro-app under /qiankun: loaded from the console's own origin, given
// a token getter (fresh SSO token from the host server), the base path and the theme. The page
// can unmount and mount it again (the e2e test does so ten times to prove nothing leaks).
import { loadMicroApp, type MicroApp } from 'qiankun';
import type { ConsoleMicroAppProps } from '@k8s-console/contracts';
import { hostApi } from './host-api';

export interface QiankunPage {
  setTheme(theme: 'light' | 'dark'): void;
  dispose(): Promise<void>;
}

export function mountQiankunPage(el: HTMLElement, consoleUrl: string, theme: 'light' | 'dark'): QiankunPage {
  const controls = document.createElement('p');
  const mountButton = button('Mount console', 'qiankun-mount');
  const unmountButton = button('Unmount console', 'qiankun-unmount');
  const status = document.createElement('span');
  status.dataset.test = 'qiankun-status';
  controls.append(mountButton, ' ', unmountButton, ' ', status);
  const container = document.createElement('div');
  container.className = 'console-container';
  container.dataset.test = 'console-container';
  el.replaceChildren(controls, container);

  const sandboxOff = new URLSearchParams(location.search).get('sandbox') === 'off';
  let app: MicroApp | null = null;
  let busy: Promise<unknown> = Promise.resolve();
  const props = (): ConsoleMicroAppProps<HTMLElement> => ({ basePath: '/qiankun', getToken: hostApi.ssoToken, theme });

  function setStatus(text: string) {
    status.textContent = text;
  }

  function mount() {
    busy = busy.then(async () => {
      if (app) return;
      setStatus('mounting');
      app = loadMicroApp(
        { name: 'k8s-console', entry: consoleUrl, container, props: props() },
        // The console does not rely on the JS sandbox (`?sandbox=off` proves it); style isolation
        // keeps its CSS inside the container.
        { sandbox: sandboxOff ? false : { experimentalStyleIsolation: true } },
      );
      await app.mountPromise;
      setStatus('mounted');
    }).catch((err) => setStatus(`failed: ${(err as Error).message}`));
    return busy;
  }

  function unmount() {
    busy = busy.then(async () => {
      if (!app) return;
      const current = app;
      app = null;
      await current.unmount();
      setStatus('unmounted');
    }).catch((err) => setStatus(`failed: ${(err as Error).message}`));
    return busy;
  }

  mountButton.addEventListener('click', () => void mount());
  unmountButton.addEventListener('click', () => void unmount());
  void mount();

  return {
    setTheme(next) {
      theme = next;
      void app?.update?.(props() as Record<string, unknown>);
    },
    async dispose() {
      await unmount();
      el.replaceChildren();
    },
  };
}

function button(label: string, test: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.dataset.test = test;
  return b;
}
