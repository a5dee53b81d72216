// Builds one console instance: its own pinia, router, i18n and API client, and nothing on window.
// The standalone entry (main.ts), the iframe mode and the qiankun lifecycle all go through here,
// so an instance can be mounted, unmounted and mounted again without leaking state.
import { createApp, effectScope, watch, type App as VueApp } from 'vue';
import type { Pinia } from 'pinia';
import type { Router } from 'vue-router';
import App from './App.vue';
import { createApiClient, type ApiClient } from '#/api/client';
import { API_CLIENT } from '#/api/context';
import { createWatchHub, webSocketUrl } from '#/api/watch-hub';
import { WATCH_HUB } from '#/api/watch-hub-context';
import { reconnectOnIdentityChange } from '#/api/watch-hub-session';
import { loadRuntimeConfig, parseRuntimeConfig } from '#/config/runtime-config';
import { installAntd } from '#/modules/antd';
import { createConsoleI18n } from '#/modules/i18n';
import { createConsolePinia } from '#/modules/pinia';
import { createConsoleRouter } from '#/modules/router';
import { CONSOLE_OPTIONS, type ConsoleMode } from './console-options';
import { browserStorage, CONSOLE_STORAGE, type KeyValueStorage } from '#/stores/key-value-storage';
import { usePreferencesStore } from '#/stores/preferences';
import { useSessionStore } from '#/stores/session';

export interface ConsoleAppOptions {
  /** Path the console is served under (router base), e.g. "/k8s/". Default: the build's base. */
  basePath?: string;
  /** API root, e.g. "/api". When omitted, `config.json` next to index.html decides (default "/api"). */
  apiBase?: string;
  /** "standalone" shows the full chrome; "embedded" drops it (iframe or qiankun host). */
  mode?: ConsoleMode;
  history?: 'web' | 'memory';
  /** Where session and preferences persist; embedded hosts usually pass memoryStorage(). */
  storage?: KeyValueStorage;
  /** An access token handed over by a host application. */
  token?: string;
  fetch?: typeof fetch;
  /** Live lists through the watch hub WebSocket (default true); false lists by plain requests. */
  liveUpdates?: boolean;
  /** Embedded: renews the session through the host (src/embed) instead of the refresh token. */
  renewToken?: () => Promise<string | null>;
  /** Embedded under qiankun: antd class prefix and the element popups and antd styles go into. */
  classPrefix?: string;
  container?: HTMLElement;
}

export interface ConsoleApp {
  app: VueApp;
  router: Router;
  pinia: Pinia;
  api: ApiClient;
  /** Mounts into an element or selector and resolves when the first route is ready. */
  mount(target: Element | string): Promise<void>;
  /** Unmounts and disposes every store; the instance cannot be mounted again. */
  unmount(): void;
}

export async function createConsoleApp(options: ConsoleAppOptions = {}): Promise<ConsoleApp> {
  const basePath = options.basePath ?? import.meta.env.BASE_URL ?? '/';
  const runtime = options.apiBase
    ? parseRuntimeConfig({ apiBase: options.apiBase })
    : await loadRuntimeConfig(basePath, options.fetch);
  const storage = options.storage ?? browserStorage();

  const app = createApp(App);
  const pinia = createConsolePinia();
  app.provide(CONSOLE_STORAGE, storage);
  app.provide(CONSOLE_OPTIONS, { mode: options.mode ?? 'standalone', basePath, classPrefix: options.classPrefix, container: options.container });

  const router = createConsoleRouter({ base: basePath, history: options.history, pinia });
  const api = createApiClient({
    baseUrl: runtime.apiBase,
    fetch: options.fetch,
    tokens: {
      getAccessToken: () => useSessionStore(pinia).accessToken,
      refresh: options.renewToken ?? (() => useSessionStore(pinia).refresh()),
      onSessionExpired: () => {
        useSessionStore(pinia).clear();
        const current = router.currentRoute.value;
        if (!current.meta.public) void router.push({ name: 'login', query: { redirect: current.fullPath, expired: '1' } });
      },
    },
  });
  app.provide(API_CLIENT, api);
  const hub =
    options.liveUpdates === false
      ? null
      : createWatchHub({
          url: webSocketUrl(`${runtime.apiBase}/v1/ws`),
          getToken: () => useSessionStore(pinia).accessToken,
          // one cheap call that renews an expired token through the client's refresh flow
          beforeReconnect: () => api.get('/v1/me').then(() => undefined),
        });
  if (hub) app.provide(WATCH_HUB, hub);
  app.use(pinia);

  const preferences = usePreferencesStore(pinia);
  const i18n = createConsoleI18n(preferences.locale);
  // Watchers made outside components live in a scope of their own, stopped on unmount.
  const scope = effectScope();
  scope.run(() => {
    watch(
      () => preferences.locale,
      (locale) => {
        i18n.global.locale.value = locale;
      },
    );
    if (hub) {
      const session = useSessionStore(pinia);
      // a user id when known; a host-given token without one stands for its user
      reconnectOnIdentityChange(hub, () => (session.accessToken ? (session.user?.id ?? session.accessToken) : null));
    }
  });
  if (options.token) useSessionStore(pinia).adoptToken(options.token);

  app.use(i18n);
  app.use(router);
  installAntd(app);

  let mounted = false;
  return {
    app,
    router,
    pinia,
    api,
    async mount(target) {
      app.mount(target);
      mounted = true;
      await router.isReady();
    },
    unmount() {
      if (mounted) app.unmount();
      mounted = false;
      // vue-router leaves its popstate/beforeunload listeners on window after app.unmount().
      router.options.history.destroy();
      hub?.close();
      scope.stop();
      // Stores hold watchers and timers; dispose them so nothing outlives the instance.
      for (const id of Object.keys(pinia.state.value)) {
        (pinia as unknown as { _s: Map<string, { $dispose(): void }> })._s.get(id)?.$dispose();
      }
      pinia.state.value = {};
    },
  };
}
