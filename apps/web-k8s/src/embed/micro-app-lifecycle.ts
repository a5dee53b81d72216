// The console as a qiankun micro-app: bootstrap, mount, update and unmount, driven by the host's
// props (container, base path, SSO token or token getter, theme, locale). Each mount builds a
// fresh console instance inside the container; unmount disposes it (app, router listeners, watch
// hub WebSocket, stores, renewal timer) so repeated mounts leave nothing behind.
import type { ConsoleMicroAppProps } from '@k8s-console/contracts';
import type { LoginResponse } from '@k8s-console/contracts';
import { clearContainerCache } from 'ant-design-vue/es/vc-util/Dom/dynamicCSS';
import { createApiClient } from '#/api/client';
import { createConsoleApp, type ConsoleApp } from '#/app/create-console-app';
import { memoryStorage } from '#/stores/key-value-storage';
import { usePreferencesStore } from '#/stores/preferences';
import { useSessionStore } from '#/stores/session';
import { loadEmbedConfig } from './embed-config';
import { createHostSession, exchangeHostToken, type HostSession } from './host-session';

export type MicroAppProps = ConsoleMicroAppProps<HTMLElement>;

/** antd's class prefix under a host, so the host's own antd (or other) styles never match ours. */
export const MICRO_APP_CLASS_PREFIX = 'k8sc';

interface Mounted {
  container: HTMLElement | undefined;
  instance: ConsoleApp;
  session: HostSession;
  props: MicroAppProps;
  root: HTMLElement;
  createdRoot: boolean;
}

export interface MicroAppLifecycle {
  bootstrap(): Promise<void>;
  mount(props: MicroAppProps): Promise<void>;
  update(props: MicroAppProps): Promise<void>;
  unmount(props: MicroAppProps): Promise<void>;
}

/** `assetsRoot`: where the console's files are served (the folder holding config.json). */
export function createMicroAppLifecycle(assetsRoot: string): MicroAppLifecycle {
  const mounted = new Set<Mounted>();

  // qiankun may hand unmount/update another props object (and wrapper) than mount got: match by
  // container, then by the root inside it, then the only instance.
  function find(props: MicroAppProps): Mounted | undefined {
    const all = [...mounted];
    return (
      all.find((m) => m.container && m.container === props.container) ??
      all.find((m) => props.container?.contains(m.root)) ??
      (all.length === 1 ? all[0] : undefined)
    );
  }

  async function hostToken(props: MicroAppProps): Promise<string | null> {
    if (props.getToken) return (await props.getToken()) || null;
    return props.token || null;
  }

  function applyAppearance(instance: ConsoleApp, props: MicroAppProps) {
    const preferences = usePreferencesStore(instance.pinia);
    if (props.theme) preferences.theme = props.theme;
    if (props.locale) preferences.locale = props.locale;
  }

  return {
    async bootstrap() {},

    async mount(props) {
      const container = props.container;
      // Our index.html's #app arrives inside the container with qiankun's template; else make one.
      const existing = container?.querySelector<HTMLElement>('#app') ?? null;
      const root = existing ?? document.createElement('div');
      if (!existing) (container ?? document.body).appendChild(root);

      const apiBase = props.apiBase ?? (await loadEmbedConfig(new URL('config.json', assetsRoot).href)).apiBase;
      // Exchange first, so the router's first navigation already sees the session.
      const token = await hostToken(props);
      let initial: LoginResponse | null = null;
      let refused: string | null = null;
      if (token) {
        const api = createApiClient({ baseUrl: apiBase, tokens: { getAccessToken: () => null } });
        initial = await exchangeHostToken(api, token).catch((err: Error) => {
          refused = err.message;
          return null;
        });
      }
      const state: Partial<Mounted> = { container, props, root, createdRoot: !existing };
      const instance = await createConsoleApp({
        mode: 'embedded',
        basePath: props.basePath ?? '/',
        apiBase,
        storage: memoryStorage(),
        token: initial?.accessToken,
        classPrefix: MICRO_APP_CLASS_PREFIX,
        container: root,
        renewToken: () => state.session?.renew('unauthorized') ?? Promise.resolve(null),
      });
      state.instance = instance;
      state.session = createHostSession({
        api: instance.api,
        pinia: instance.pinia,
        requestToken: () => hostToken(state.props ?? props),
      });
      if (initial) state.session.adopt(initial);
      // the console's login page then says why the host's sign-on did not work
      else if (refused) useSessionStore(instance.pinia).signOnError = refused;
      mounted.add(state as Mounted);
      applyAppearance(instance, props);
      await instance.mount(root);
    },

    async update(props) {
      const current = find(props);
      if (!current) return;
      const tokenChanged = props.token && props.token !== current.props.token;
      current.props = { ...current.props, ...props };
      applyAppearance(current.instance, current.props);
      if (tokenChanged) await current.session.signIn(props.token!).catch(() => undefined);
    },

    async unmount(props) {
      const current = find(props);
      if (!current) return;
      mounted.delete(current);
      current.session.dispose();
      current.instance.unmount();
      // antd remembers every style container in a module-level Map and never forgets one: without
      // this, each unmounted console's root (and qiankun's wrapper around it) stays in memory.
      clearContainerCache();
      // antd's style tags were injected into the root and outlive the Vue app.
      current.root.replaceChildren();
      if (current.createdRoot) current.root.remove();
    },
  };
}
