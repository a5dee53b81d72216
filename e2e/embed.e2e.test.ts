// Embedding end to end (issue 8): the host demo on http://localhost:<port> embeds the console
// served by the backend on http://127.0.0.1:<port>, signs its own user in, and hands the console
// an SSO token: through an iframe (postMessage handshake) and as a qiankun micro-app. A foreign
// origin's messages are ignored; ten qiankun mount/unmount cycles leave no WebSocket, listener,
// style tag or global behind; the standalone console is unaffected.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumGate, launchChromium } from './support/browser';
import { startBackend, type BackendProcess } from './support/backend-process';
import { addCluster, apiToken, sel, signIn } from './support/console-session';
import { startKubeSim, type KubeSimHandle } from './support/kube-sim';
import { buildWebOnce } from './support/web-build';
import { resultsDir } from './support/paths';
import { buildHostDemo, HOST_USER, SSO, startHostDemo, type HostDemo } from './embed-host-demo';

const EMBED = { channel: 'k8s-console', version: 1 };

describe.runIf(chromiumGate.available)('embedding the console in a host application', () => {
  let dataDir: string;
  let sim: KubeSimHandle;
  let backend: BackendProcess;
  let host: HostDemo;
  let browser: Browser;
  let clusterId: string;

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'kc-e2e-embed-'));
    let webDist: string;
    let hostDist: string;
    [webDist, hostDist, sim, browser] = await Promise.all([buildWebOnce(), buildHostDemo(), startKubeSim({ seed: 'demo' }), launchChromium()]);
    host = await startHostDemo(hostDist);
    backend = await startBackend({
      dataDir,
      webDist,
      // The shortest console session (60 s): an embedded console asks its host again after 5 s.
      env: { EMBED_ALLOWED_ORIGINS: host.origin, SSO_JWT_SECRET: SSO.secret, SSO_ISSUER: SSO.issuer, SSO_AUDIENCE: SSO.audience, JWT_TTL_SECONDS: '60' },
    });
    host.setConsoleUrl(`${backend.url}/`);
    clusterId = await addCluster(backend.url, await apiToken(backend.url), 'sim', sim.kubeconfig);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await backend?.stop();
    await sim?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function hostSignIn(context: BrowserContext, path: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${host.origin}${path}`);
    await page.fill(sel('host-username'), HOST_USER.username);
    await page.fill(sel('host-password'), HOST_USER.password);
    await page.click(sel('host-submit'));
    await page.locator(sel('host-user')).filter({ hasText: HOST_USER.username }).waitFor();
    return page;
  }

  it('iframe: the console shows the demo cluster\'s pods with the host\'s token; the host mirrors and drives its route', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const urls: string[] = [];
    context.on('request', (request) => urls.push(request.url()));
    const page = await hostSignIn(context, '/');
    await page.waitForURL(`${host.origin}/iframe/clusters`);
    await expect.poll(() => page.locator(sel('console-session')).getAttribute('data-state'), { timeout: 30_000 }).toBe('signed-in');
    const frame = page.frameLocator(sel('console-iframe'));

    // No console chrome in the frame, and the host's user is the console's user.
    await frame.locator(sel('cluster-row-sim')).waitFor({ timeout: 30_000 });
    expect(await frame.locator(sel('user-menu')).count()).toBe(0);
    expect(await page.locator(sel('console-session')).innerText()).toContain(HOST_USER.username);

    await frame.locator(sel('cluster-row-sim')).click();
    await frame.locator(`${sel('cluster-nav')} >> text=Pods`).click();
    await frame.locator('[role="row"][data-row]').first().waitFor({ timeout: 30_000 });
    expect(await frame.locator('[role="row"][data-row]').count()).toBeGreaterThan(0);
    // The host mirrors the console's route in its own URL.
    await page.waitForURL(`${host.origin}/iframe/clusters/${clusterId}/resources/core/v1/pods`);
    await page.screenshot({ path: join(resultsDir, 'embed-iframe-pods.png') });

    // The host navigates the console.
    await page.evaluate(
      ([msg, origin]) => document.querySelector<HTMLIFrameElement>('iframe')!.contentWindow!.postMessage(msg, origin as string),
      [{ ...EMBED, type: 'navigate', path: '/clusters' }, new URL(backend.url).origin] as const,
    );
    await page.waitForURL(`${host.origin}/iframe/clusters`);

    // Tokens never travel in a URL.
    expect(urls.filter((u) => /[?&#](access_|id_)?token=|eyJ[A-Za-z0-9_-]{10,}/i.test(u))).toEqual([]);
    await context.close();
  });

  it('iframe: messages from a foreign origin, or not from the parent, are ignored', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // Every route the console reports, recorded in the host page.
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { navigated: string[] }).navigated = seen;
      window.addEventListener('message', (e) => {
        if (e.data?.type === 'navigated') seen.push(e.data.path);
      });
    });
    const page = await hostSignIn(context, '/iframe/clusters');
    const frame = page.frameLocator(sel('console-iframe'));
    await frame.locator(sel('cluster-row-sim')).waitFor({ timeout: 30_000 });
    const consoleFrame = page.frames().find((f) => f.url().startsWith(backend.url))!;

    // A page of a foreign origin inside the host tries to steer the console and hand it a token.
    await page.evaluate((src) => {
      const evil = document.createElement('iframe');
      evil.src = src;
      evil.name = 'foreign';
      document.body.appendChild(evil);
      return new Promise((resolve) => evil.addEventListener('load', resolve));
    }, `${host.foreignOrigin}/foreign`);
    const foreign = page.frames().find((f) => f.name() === 'foreign')!;
    await foreign.evaluate((msgs) => {
      for (const msg of msgs) window.parent.frames[0]!.postMessage(msg, '*');
    }, [
      { ...EMBED, type: 'navigate', path: '/clusters/from-foreign-frame' },
      { ...EMBED, type: 'token', token: 'forged.token.value' },
    ]);
    // A message claiming the parent as its source but from another origin (spoofed event).
    await consoleFrame.evaluate((msg) => {
      window.dispatchEvent(new MessageEvent('message', { data: msg, origin: 'http://evil.example', source: window.parent }));
    }, { ...EMBED, type: 'navigate', path: '/clusters/from-spoofed-origin' });

    // Then the real host navigates: once that arrived, the earlier messages were surely handled.
    const consoleOrigin = new URL(backend.url).origin;
    await page.evaluate(
      ([msg, origin]) => document.querySelector<HTMLIFrameElement>('iframe')!.contentWindow!.postMessage(msg, origin as string),
      [{ ...EMBED, type: 'navigate', path: `/clusters/${clusterId}` }, consoleOrigin] as const,
    );
    await page.waitForURL(`${host.origin}/iframe/clusters/${clusterId}`);
    expect(consoleFrame.url()).toBe(`${backend.url}/clusters/${clusterId}`);
    const navigated = await page.evaluate(() => (window as unknown as { navigated: string[] }).navigated);
    expect(navigated).toContain(`/clusters/${clusterId}`);
    expect(navigated.filter((p) => /foreign|spoofed/.test(p))).toEqual([]);
    await expect.poll(() => page.locator(sel('console-session')).getAttribute('data-state')).toBe('signed-in');
    await context.close();
  });

  it('iframe: asks the host for a new token before the console session expires, and keeps working', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { consoleMessages: string[] }).consoleMessages = seen;
      window.addEventListener('message', (e) => {
        if (e.data?.channel === 'k8s-console') seen.push(`${e.data.type}:${e.data.reason ?? e.data.state ?? ''}`);
      });
    });
    const page = await hostSignIn(context, `/iframe/clusters/${clusterId}/resources/core/v1/pods`);
    const frame = page.frameLocator(sel('console-iframe'));
    await frame.locator('[role="row"][data-row]').first().waitFor({ timeout: 30_000 });
    const messages = () => page.evaluate(() => (window as unknown as { consoleMessages: string[] }).consoleMessages);
    await expect.poll(async () => (await messages()).filter((m) => m === 'session:signed-in').length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    expect(await messages()).toContain('token-request:expiring');
    expect((await messages()).filter((m) => m.startsWith('session:failed'))).toEqual([]);
    // Still signed in with the renewed session: another page loads from the API.
    await frame.locator(`${sel('cluster-nav')} >> text=Deployments`).click();
    await page.waitForURL(`${host.origin}/iframe/clusters/${clusterId}/resources/apps/v1/deployments`);
    await frame.locator('[role="row"][data-row]').first().waitFor({ timeout: 30_000 });
    await context.close();
  });

  it('qiankun: the micro-app shows the demo cluster\'s pods with the host\'s token, in its own class prefix', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await hostSignIn(context, '/qiankun/clusters');
    await expect.poll(() => page.locator(sel('qiankun-status')).innerText(), { timeout: 30_000 }).toBe('mounted');
    const app = page.locator(sel('console-container'));
    await app.locator(sel('cluster-row-sim')).waitFor({ timeout: 30_000 });
    expect(await app.locator(sel('user-menu')).count()).toBe(0);
    await app.locator(sel('cluster-row-sim')).click();
    await app.locator(`${sel('cluster-nav')} >> text=Pods`).click();
    await app.locator('[role="row"][data-row]').first().waitFor({ timeout: 30_000 });
    expect(await app.locator('[role="row"][data-row]').count()).toBeGreaterThan(0);
    // The console routes inside the host's URL, under the base path the host gave it.
    expect(page.url()).toBe(`${host.origin}/qiankun/clusters/${clusterId}/resources/core/v1/pods`);
    // antd renders with the console's own prefix, so neither side's antd styles reach the other.
    expect(await app.locator('[class*="k8sc-"]').count()).toBeGreaterThan(0);
    expect(await page.locator('[class^="ant-"], [class*=" ant-"]').count()).toBe(0);
    // Popups and drawers render inside the micro-app's container, not in the host's body.
    await app.locator(`${sel('namespace-filter')} .k8sc-select-selector`).click();
    await page.locator('.k8sc-select-dropdown').first().waitFor();
    expect(await app.locator('.k8sc-select-dropdown').count()).toBe(await page.locator('.k8sc-select-dropdown').count());
    await page.keyboard.press('Escape');
    if (await app.locator(sel('create-from-yaml')).count()) {
      await app.locator(sel('create-from-yaml')).click();
      await page.locator('.k8sc-drawer').first().waitFor();
      expect(await app.locator('.k8sc-drawer').count()).toBe(await page.locator('.k8sc-drawer').count());
    }
    await page.screenshot({ path: join(resultsDir, 'embed-qiankun-pods.png') });
    await context.close();
  });

  it('qiankun: ten mount/unmount cycles leave no WebSocket, listener, style tag, DOM node or global behind', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // Count the WebSockets the page opens and still holds open.
    await context.addInitScript(() => {
      // Holds a socket only until it closes, so the count does not itself keep consoles alive.
      const Native = window.WebSocket;
      const open = new Set<WebSocket>();
      let made = 0;
      class Counted extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          made += 1;
          open.add(this);
          this.addEventListener('close', () => open.delete(this));
        }
      }
      window.WebSocket = Counted;
      Object.defineProperty(window, '__openSockets', { value: () => open.size });
      Object.defineProperty(window, '__socketsMade', { value: () => made });
    });
    const page = await hostSignIn(context, `/qiankun/clusters/${clusterId}/resources/core/v1/pods`);
    const cdp = await context.newCDPSession(page);
    const status = page.locator(sel('qiankun-status'));
    const rows = page.locator(`${sel('console-container')} [role="row"][data-row]`);
    const openSockets = () => page.evaluate(() => (window as unknown as { __openSockets(): number }).__openSockets());

    async function cycle() {
      await expect.poll(() => status.innerText(), { timeout: 30_000 }).toBe('mounted');
      await rows.first().waitFor({ timeout: 30_000 });
      await expect.poll(openSockets, { timeout: 15_000 }).toBe(1);
      await page.click(sel('qiankun-unmount'));
      await expect.poll(() => status.innerText(), { timeout: 30_000 }).toBe('unmounted');
      await expect.poll(openSockets, { timeout: 15_000 }).toBe(0);
    }
    async function footprint() {
      await cdp.send('HeapProfiler.collectGarbage');
      const counters = await cdp.send('Memory.getDOMCounters');
      const { result } = await cdp.send('Runtime.evaluate', { expression: 'window' });
      const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId! });
      const page_ = await page.evaluate(() => ({
        globals: Object.keys(window).length,
        head: document.head.children.length,
        body: document.body.getElementsByTagName('*').length,
        container: document.querySelector('[data-test="console-container"]')!.childElementCount,
      }));
      return { windowListeners: listeners.length, jsEventListeners: counters.jsEventListeners, nodes: counters.nodes, ...page_ };
    }

    // The first cycle loads code and warms one-time caches (qiankun's, the browser's); it is the baseline.
    await cycle();
    const baseline = await footprint();
    expect(baseline.container).toBe(0);
    for (let i = 0; i < 10; i += 1) {
      await page.click(sel('qiankun-mount'));
      await cycle();
    }
    const after = await footprint();
    expect(await page.evaluate(() => (window as unknown as { __socketsMade(): number }).__socketsMade())).toBeGreaterThanOrEqual(11);
    expect(after.windowListeners).toBe(baseline.windowListeners);
    expect(after.globals).toBe(baseline.globals);
    expect(after.head).toBe(baseline.head);
    expect(after.body).toBe(baseline.body);
    expect(after.container).toBe(0);
    // Detached DOM is freed by the collector in its own time (qiankun's wrapper divs linger a
    // little): poll with forced collections. Ten leaked consoles would keep thousands of nodes.
    await expect.poll(async () => (await footprint()).nodes, { timeout: 30_000 }).toBeLessThan(baseline.nodes + 300);
    await expect.poll(async () => (await footprint()).jsEventListeners, { timeout: 30_000 }).toBeLessThanOrEqual(baseline.jsEventListeners + 20);
    await context.close();
  });

  it('qiankun without its JS sandbox: the console works and unmount leaves the window as it was', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await hostSignIn(context, `/qiankun/clusters/${clusterId}/resources/core/v1/pods?sandbox=off`);
    const status = page.locator(sel('qiankun-status'));
    const rows = page.locator(`${sel('console-container')} [role="row"][data-row]`);
    const globals = () => page.evaluate(() => Object.keys(window).filter((k) => !k.startsWith('__INJECTED_PUBLIC_PATH') && k !== 'proxy').sort());
    await expect.poll(() => status.innerText(), { timeout: 30_000 }).toBe('mounted');
    await rows.first().waitFor({ timeout: 30_000 });
    await page.click(sel('qiankun-unmount'));
    await expect.poll(() => status.innerText(), { timeout: 30_000 }).toBe('unmounted');
    const afterFirst = await globals();
    expect(afterFirst).not.toContain('k8s-console');
    await page.click(sel('qiankun-mount'));
    await expect.poll(() => status.innerText(), { timeout: 30_000 }).toBe('mounted');
    await rows.first().waitFor({ timeout: 30_000 });
    await page.click(sel('qiankun-unmount'));
    await expect.poll(() => status.innerText(), { timeout: 30_000 }).toBe('unmounted');
    expect(await globals()).toEqual(afterFirst);
    await context.close();
  });

  it('the standalone console is unaffected: its own login, chrome, antd prefix and stored session', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await signIn(page, backend.url);
    await page.locator(sel('user-menu')).waitFor();
    await page.locator(sel('cluster-row-sim')).waitFor({ timeout: 30_000 });
    expect(await page.locator('[class*="ant-"]').count()).toBeGreaterThan(0);
    expect(await page.locator('[class*="k8sc-"]').count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('k8s-console.session'))).toContain('accessToken');
    await page.close();
  });

  it('the backend lets only the listed host frame the console', async () => {
    const res = await fetch(`${backend.url}/clusters`, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-security-policy')).toContain(`frame-ancestors 'self' ${host.origin}`);
  });
});
