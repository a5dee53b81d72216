// The qiankun lifecycle in a DOM: mount exchanges the host token before the first route, renders
// with the micro-app class prefix inside the container, follows update() (token, theme), and
// unmount empties the container.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { createMicroAppLifecycle } from './micro-app-lifecycle';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('qiankun lifecycle', () => {
  const calls: string[] = [];
  beforeEach(() => {
    calls.length = 0;
    let issued = 0;
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      calls.push(`${init?.method ?? 'GET'} ${url}${init?.body ? ` ${String(init.body)}` : ''}`);
      if (url === 'http://console.test/k8s/config.json') return json(200, { apiBase: '/k8s-api' });
      if (url === 'http://console.test/k8s-api/v1/auth/sso') {
        if (String(init?.body).includes('host.jwt.disabled')) return json(401, { error: { code: 'USER_DISABLED', message: 'user "hana" is disabled' } });
        issued += 1;
        return json(200, { accessToken: `console-${issued}`, tokenType: 'Bearer', expiresIn: 900, user: { id: '1', username: 'hana', groups: [] } });
      }
      return json(404, { error: { code: 'NOT_FOUND', message: url } });
    });
    // A public page of the console, so the test does not depend on other domains' API shapes.
    history.replaceState(null, '', '/console/no-such-page');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('mounts signed in with the host token, follows update, and unmounts cleanly', async () => {
    const lifecycle = createMicroAppLifecycle('http://console.test/k8s/');
    const container = document.createElement('div');
    container.innerHTML = '<div id="app"></div>';
    document.body.appendChild(container);

    await lifecycle.bootstrap();
    await lifecycle.mount({ container, basePath: '/console', token: 'host.jwt.1', theme: 'dark' });
    // config.json from where the console's files are, then the exchange
    expect(calls).toEqual(['GET http://console.test/k8s/config.json', 'POST http://console.test/k8s-api/v1/auth/sso {"token":"host.jwt.1"}']);
    const root = container.querySelector('#app')!;
    expect(root.querySelector('[data-theme="dark"]')).not.toBeNull();
    expect(root.querySelector('[class*="k8sc-"]')).not.toBeNull();
    expect(root.querySelector('[class*="ant-"]')).toBeNull();
    // the console routes inside the host's URL under its base path
    expect(location.pathname).toBe('/console/no-such-page');

    await lifecycle.update({ container, token: 'host.jwt.2', theme: 'light' });
    await nextTick();
    expect(calls).toContain('POST http://console.test/k8s-api/v1/auth/sso {"token":"host.jwt.2"}');
    expect(root.querySelector('[data-theme="light"]')).not.toBeNull();

    await lifecycle.unmount({ container });
    expect(root.innerHTML).toBe('');
    container.remove();
  });

  it("shows on the console's login page why the host's sign-on was refused", async () => {
    history.replaceState(null, '', '/console/clusters');
    const lifecycle = createMicroAppLifecycle('http://console.test/k8s/');
    const container = document.createElement('div');
    container.innerHTML = '<div id="app"></div>';
    document.body.appendChild(container);
    await lifecycle.mount({ container, basePath: '/console', token: 'host.jwt.disabled' });
    expect(location.pathname).toBe('/console/login');
    await expect.poll(() => container.querySelector('[data-test="login-error"]')?.textContent ?? '').toContain('user "hana" is disabled');
    await lifecycle.unmount({ container });
    container.remove();
  });
});
