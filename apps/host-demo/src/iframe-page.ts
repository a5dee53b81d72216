// The console in an iframe: answers its `ready`/`token-request` with a fresh SSO token (posted to
// the console's origin only), mirrors its route in the host URL (/iframe/<console path>), and
// listens to nothing but the console frame from the console's origin.
import { embedMessage, parseConsoleMessage, type AppearanceMessage, type TokenMessage } from '@k8s-console/contracts';
import { hostApi } from './host-api';

export interface IframePage {
  setTheme(theme: 'light' | 'dark'): void;
  dispose(): void;
}

export function mountIframePage(el: HTMLElement, consoleUrl: string, consolePath: string): IframePage {
  const consoleOrigin = new URL(consoleUrl).origin;
  const status = document.createElement('p');
  status.dataset.test = 'console-session';
  const frame = document.createElement('iframe');
  frame.className = 'console-frame';
  frame.dataset.test = 'console-iframe';
  frame.src = new URL(consolePath, consoleUrl).href;
  el.replaceChildren(status, frame);

  const post = (message: TokenMessage | AppearanceMessage) => frame.contentWindow?.postMessage(message, consoleOrigin);

  async function onMessage(event: MessageEvent) {
    if (event.source !== frame.contentWindow || event.origin !== consoleOrigin) return;
    const message = parseConsoleMessage(event.data);
    if (!message) return;
    if (message.type === 'ready' || message.type === 'token-request') {
      try {
        post(embedMessage<TokenMessage>({ type: 'token', token: await hostApi.ssoToken() }));
      } catch (err) {
        status.textContent = `No token for the console: ${(err as Error).message}`;
      }
    } else if (message.type === 'navigated') {
      history.replaceState(null, '', `/iframe${message.path}`);
    } else if (message.type === 'session') {
      status.textContent = message.state === 'signed-in' ? `Console signed in as ${message.username}` : `Console sign-in failed: ${message.error}`;
      status.dataset.state = message.state;
    }
  }
  window.addEventListener('message', onMessage);

  return {
    setTheme: (theme) => post(embedMessage<AppearanceMessage>({ type: 'appearance', theme })),
    dispose() {
      window.removeEventListener('message', onMessage);
      el.replaceChildren();
    },
  };
}
