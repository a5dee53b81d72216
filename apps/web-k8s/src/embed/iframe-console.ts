// The console inside an iframe: no chrome, the session comes from the parent page by the
// postMessage handshake (announce `ready`, receive the host's SSO token, exchange it), route
// changes are reported so the host can mirror them, and the host may navigate the console.
import type { LoginResponse, NavigatedMessage, ReadyMessage, SessionMessage } from '@k8s-console/contracts';
import { embedMessage } from '@k8s-console/contracts';
import { createApiClient } from '#/api/client';
import { createConsoleApp, type ConsoleApp } from '#/app/create-console-app';
import { safeRedirect } from '#/modules/router';
import { memoryStorage } from '#/stores/key-value-storage';
import { usePreferencesStore } from '#/stores/preferences';
import { useSessionStore } from '#/stores/session';
import { loadEmbedConfig } from './embed-config';
import { hostVisiblePath } from './embed-detection';
import { createHostSession, exchangeHostToken, type HostSession } from './host-session';
import { createIframeBridge } from './iframe-bridge';

export interface IframeConsoleOptions {
  target: Element | string;
  basePath?: string;
  /** How long to wait for the host's first token before showing the console's own login page. */
  handshakeTimeoutMs?: number;
}

export async function startIframeConsole(options: IframeConsoleOptions): Promise<ConsoleApp> {
  const basePath = options.basePath ?? import.meta.env.BASE_URL ?? '/';
  const config = await loadEmbedConfig(new URL(`${basePath.replace(/\/?$/, '/')}config.json`, window.location.href).href);

  let session: HostSession | null = null;
  const sessionMessage = (state: SessionMessage['state'], detail: { username?: string; error?: string }) =>
    bridge.post(embedMessage<SessionMessage>({ type: 'session', state, ...detail }));

  // Host messages wait in the bridge until the console exists (see bridge.listen below).
  const bridge = createIframeBridge({ allowedOrigins: config.allowedOrigins });

  // Handshake first, so the router's first navigation already sees the session.
  // Not framed (only ?embed=1): no parent will answer, so do not wait for one.
  const framed = window.parent !== window;
  const firstToken = bridge.nextToken(framed ? (options.handshakeTimeoutMs ?? 10_000) : 0);
  bridge.post(embedMessage<ReadyMessage>({ type: 'ready' }));
  const hostToken = await firstToken;
  let initial: LoginResponse | null = null;
  let refused: string | null = null;
  if (hostToken) {
    try {
      initial = await exchangeHostToken(createApiClient({ baseUrl: config.apiBase, tokens: { getAccessToken: () => null } }), hostToken);
    } catch (err) {
      refused = (err as Error).message;
      sessionMessage('failed', { error: refused });
    }
  }

  const instance = await createConsoleApp({
    mode: 'embedded',
    basePath,
    apiBase: config.apiBase,
    storage: memoryStorage(),
    token: initial?.accessToken,
    renewToken: () => session?.renew('unauthorized') ?? Promise.resolve(null),
  });
  session = createHostSession({
    api: instance.api,
    pinia: instance.pinia,
    requestToken: (reason) => bridge.requestToken(reason),
    onSignedIn: (user) => sessionMessage('signed-in', { username: user.username }),
    onFailed: (error) => sessionMessage('failed', { error }),
  });
  if (initial) session.adopt(initial);
  // the console's login page then says why the host's sign-on did not work
  else if (refused) useSessionStore(instance.pinia).signOnError = refused;

  instance.router.afterEach((to) => {
    bridge.post(embedMessage<NavigatedMessage>({ type: 'navigated', path: hostVisiblePath(to.fullPath) }));
  });
  await instance.mount(options.target);

  // From here host messages reach the console, first those that came during the start.
  const { router, pinia } = instance;
  const hostSession = session;
  bridge.listen((message) => {
    if (message.type === 'token') {
      void hostSession.signIn(message.token).then(() => {
        // Signed in while the login page shows (a late or renewed token): go where the user was headed.
        const current = router.currentRoute.value;
        if (current.name === 'login') void router.replace(safeRedirect(current.query.redirect));
      }, () => undefined);
    } else if (message.type === 'navigate') {
      void router.push(safeRedirect(message.path));
    } else {
      const preferences = usePreferencesStore(pinia);
      if (message.theme) preferences.theme = message.theme;
      if (message.locale) preferences.locale = message.locale;
    }
  });
  return instance;
}
