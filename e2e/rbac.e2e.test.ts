// Console RBAC in the browser: what a viewer may not do is not offered, and an admin who creates a
// user and binds a role through the admin pages changes what that user sees. Screenshots of the
// admin pages in both themes land in e2e/test-results.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumGate, launchChromium } from './support/browser';
import { startBackend, type BackendProcess } from './support/backend-process';
import { startKubeSim, type KubeSimHandle } from './support/kube-sim';
import { buildWebOnce } from './support/web-build';
import { resultsDir } from './support/paths';
import { addCluster, apiToken, sel, signIn } from './support/console-session';

const PASSWORD = 'Correct-horse-battery-9';

describe.runIf(chromiumGate.available)('console RBAC in the browser', () => {
  let dataDir: string;
  let sim: KubeSimHandle;
  let backend: BackendProcess;
  let browser: Browser;
  let admin: BrowserContext;
  let adminPage: Page;
  let clusterId: string;
  let token: string;
  let pod: string;

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'kc-e2e-rbac-'));
    let webDist: string;
    [webDist, sim, browser] = await Promise.all([buildWebOnce(), startKubeSim({ seed: 'demo' }), launchChromium()]);
    backend = await startBackend({ dataDir, webDist });
    token = await apiToken(backend.url);
    clusterId = await addCluster(backend.url, token, 'demo', sim.kubeconfig);
    pod = sim.sim.store.list('pods', { namespace: 'shop' }).items[0]?.metadata?.name ?? '';
    admin = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    adminPage = await admin.newPage();
    await signIn(adminPage, backend.url);
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
    await sim?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const podPath = () => `${backend.url}/clusters/${clusterId}/resources/core/v1/pods/shop/${pod}`;

  async function createUserByApi(username: string, roles: string[]) {
    const res = await fetch(`${backend.url}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ username, password: PASSWORD, roles }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }

  async function signInAs(username: string, password = PASSWORD): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${backend.url}/clusters`);
    await page.waitForURL(/\/login/);
    await page.fill(sel('login-username'), username);
    await page.fill(sel('login-password'), password);
    await page.click(sel('login-submit'));
    await page.waitForURL((url) => !url.pathname.endsWith('/login'));
    return { context, page };
  }

  /** Opens the pod's page and waits until its per-object permission answers have arrived (logs is allowed to all). */
  async function openPod(page: Page) {
    await page.goto(podPath());
    await page.locator(sel('detail-title')).waitFor({ timeout: 30_000 });
    // A viewer may have no action at all, leaving the bar empty (and so "hidden"): wait for it to exist.
    await page.locator(sel('resource-actions')).waitFor({ state: 'attached' });
  }

  const deleteButtons = (page: Page) => page.locator(sel('action-delete')).count();
  const terminalTabs = (page: Page) => page.locator('.ant-tabs-tab', { hasText: /^Terminal$/ }).count();

  /** Waits until no drawer, dialog or dropdown is mid-animation, so a screenshot shows the settled page. */
  async function settled(page: Page) {
    await page.locator('[class*="-enter-active"], [class*="-leave-active"]').first().waitFor({ state: 'detached' });
  }

  async function chooseOption(page: Page, select: string, text: string) {
    await page.click(`${sel(select)} .ant-select-selector, ${sel(select)}.ant-select .ant-select-selector`);
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: text }).first().click();
    // A multiple select keeps its list open; clicking the dialog's title closes it.
    await page.click('.ant-modal-title');
  }

  it('shows a viewer no delete button, no terminal and no administration', async () => {
    expect(pod).not.toBe('');
    await createUserByApi('vera', ['viewer']);
    const { context, page } = await signInAs('vera');
    try {
      await openPod(page);
      // Buttons start visible and go away once the server's answer arrives.
      await expect.poll(() => deleteButtons(page), { timeout: 15_000 }).toBe(0);
      await expect.poll(() => terminalTabs(page), { timeout: 15_000 }).toBe(0);
      expect(await page.locator('.ant-tabs-tab', { hasText: /^Logs$/ }).count()).toBe(1);
      await page.screenshot({ path: join(resultsDir, 'rbac-viewer-pod.png') });

      await page.click(sel('user-menu'));
      await page.locator(sel('menu-change-password')).waitFor();
      expect(await page.locator(sel('menu-admin')).count()).toBe(0);
      await page.keyboard.press('Escape');

      // Typing an admin URL does not open it.
      await page.goto(`${backend.url}/admin/users`);
      await page.waitForURL(/\/clusters$/);
    } finally {
      await context.close();
    }
  });

  it('lets an admin create a user and bind operator through the admin pages, and the user sees delete and terminal', async () => {
    // Users page: a weak password is refused with the server's reason under the field.
    await adminPage.goto(`${backend.url}/clusters`);
    await adminPage.click(sel('user-menu'));
    await adminPage.click(sel('menu-admin'));
    await adminPage.waitForURL(/\/admin\/users$/);
    await adminPage.locator(sel('user-row-vera')).waitFor();
    await adminPage.click(sel('user-add'));
    await adminPage.fill(sel('user-create-username'), 'olga');
    await adminPage.fill(sel('user-create-password'), 'olga12345');
    await adminPage.fill(sel('user-create-confirm'), 'olga12345');
    await chooseOption(adminPage, 'user-create-roles', 'viewer');
    await adminPage.click(sel('user-create-submit'));
    await adminPage.locator('.ant-modal .ant-form-item-explain-error', { hasText: /at least 10 characters/ }).waitFor();
    await settled(adminPage);
    await adminPage.screenshot({ path: join(resultsDir, 'rbac-admin-weak-password.png') });
    await adminPage.fill(sel('user-create-password'), PASSWORD);
    await adminPage.fill(sel('user-create-confirm'), PASSWORD);
    await adminPage.click(sel('user-create-submit'));
    await adminPage.locator(sel('user-row-olga')).waitFor({ timeout: 15_000 });

    // As created (viewer), olga may not delete the pod.
    const olga = await signInAs('olga');
    try {
      await openPod(olga.page);
      await expect.poll(() => deleteButtons(olga.page), { timeout: 15_000 }).toBe(0);
      expect(await terminalTabs(olga.page)).toBe(0);

      // Bindings page: bind operator to olga.
      await adminPage.click('.ant-tabs-tab >> text=Role bindings');
      await adminPage.waitForURL(/\/admin\/bindings$/);
      await adminPage.locator(sel('binding-row-viewer-user-olga')).waitFor({ timeout: 15_000 });
      await adminPage.click(sel('binding-add'));
      await chooseOption(adminPage, 'binding-role', 'operator');
      await chooseOption(adminPage, 'binding-users', 'olga');
      await adminPage.click(sel('binding-create-submit'));
      await adminPage.locator(sel('binding-row-operator-user-olga')).waitFor({ timeout: 15_000 });
      await adminPage.screenshot({ path: join(resultsDir, 'rbac-admin-bindings.png') });

      // Olga's view changes on her next visit: delete and terminal are offered.
      await openPod(olga.page);
      await olga.page.locator(sel('action-delete')).waitFor({ timeout: 15_000 });
      await expect.poll(() => terminalTabs(olga.page), { timeout: 15_000 }).toBe(1);
      // Let the answers settle, then check they stayed.
      await expect.poll(() => deleteButtons(olga.page)).toBe(1);
      await olga.page.screenshot({ path: join(resultsDir, 'rbac-operator-pod.png') });

      // Olga changes her password: a wrong current one and a weak new one are refused in the form.
      const newPassword = 'Another-long-secret-42';
      await olga.page.click(sel('user-menu'));
      await olga.page.click(sel('menu-change-password'));
      await olga.page.fill(sel('password-current'), 'not-my-password');
      await olga.page.fill(sel('password-new'), newPassword);
      await olga.page.fill(sel('password-confirm'), newPassword);
      await olga.page.click(sel('password-submit'));
      await olga.page.locator('.ant-modal .ant-form-item-explain-error', { hasText: /current password is wrong/ }).waitFor();
      await olga.page.fill(sel('password-current'), PASSWORD);
      await olga.page.fill(sel('password-new'), 'aaaaaaaaaaaa');
      await olga.page.fill(sel('password-confirm'), 'aaaaaaaaaaaa');
      await olga.page.click(sel('password-submit'));
      await olga.page.locator('.ant-modal .ant-form-item-explain-error', { hasText: /4 different characters/ }).waitFor();
      await olga.page.fill(sel('password-new'), newPassword);
      await olga.page.fill(sel('password-confirm'), newPassword);
      await olga.page.click(sel('password-submit'));
      await olga.page.locator('.ant-message-success').waitFor({ timeout: 15_000 });
      // The session goes on with the fresh tokens the server sent: the page still loads.
      await openPod(olga.page);
      expect(await olga.page.locator(sel('detail-error')).count()).toBe(0);
      expect(olga.page.url()).not.toMatch(/\/login/);
      const again = await signInAs('olga', newPassword);
      await again.context.close();
    } finally {
      await olga.context.close();
    }
  });

  it('shows the roles, the rule editor and the audit log in light and dark themes', async () => {
    for (const theme of ['light', 'dark'] as const) {
      await adminPage.goto(`${backend.url}/admin/roles`);
      await adminPage.locator(sel('role-row-operator')).waitFor({ timeout: 15_000 });
      // The toggle offers the other theme.
      const offers = await adminPage.locator(sel('theme-toggle')).getAttribute('aria-label');
      if (/dark/i.test(offers ?? '') === (theme === 'dark')) await adminPage.click(sel('theme-toggle'));
      await adminPage.screenshot({ path: join(resultsDir, `rbac-admin-roles-${theme}.png`) });

      await adminPage.click(sel('role-copy-viewer'));
      await adminPage.locator(sel('rule-0')).waitFor();
      await settled(adminPage);
      await adminPage.screenshot({ path: join(resultsDir, `rbac-admin-role-editor-${theme}.png`) });
      if (theme === 'light') {
        // A custom role made from a copy and a preset is saved and listed.
        await adminPage.fill(sel('role-name'), 'viewer-plus-configmaps');
        await adminPage.click(sel('rule-add-preset'));
        await adminPage.click('.ant-dropdown-menu-item >> text=Manage ConfigMaps');
        await adminPage.locator(sel('rule-3')).waitFor();
        await adminPage.click(sel('role-save'));
        await adminPage.locator(sel('role-row-viewer-plus-configmaps')).waitFor({ timeout: 15_000 });
      } else {
        await adminPage.keyboard.press('Escape');
      }

      await adminPage.goto(`${backend.url}/admin/audit`);
      await adminPage.locator(`${sel('audit-table')} .ant-table-row`).first().waitFor({ timeout: 15_000 });
      await adminPage.screenshot({ path: join(resultsDir, `rbac-admin-audit-${theme}.png`) });
    }
  });

  it('filters the audit log by user through the URL and shows a record in full', async () => {
    await adminPage.goto(`${backend.url}/admin/audit`);
    await adminPage.fill(sel('audit-filter-user'), 'vera');
    await adminPage.click(sel('audit-search'));
    await adminPage.waitForURL(/username=vera/);
    const users = () => adminPage.locator(`${sel('audit-table')} .ant-table-row td:nth-child(2)`).allInnerTexts();
    await expect.poll(async () => [...new Set(await users())], { timeout: 15_000 }).toEqual(['vera']);
    await adminPage.locator(`${sel('audit-table')} .ant-table-row`).first().click();
    await expect.poll(() => adminPage.locator(sel('audit-detail')).innerText()).toMatch(/vera[\s\S]*127\.0\.0\.1/);
    await settled(adminPage);
    await adminPage.screenshot({ path: join(resultsDir, 'rbac-admin-audit-detail.png') });
  });

  it('disables a user, who then cannot sign in, and enables them again', async () => {
    const login = () =>
      fetch(`${backend.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'vera', password: PASSWORD }),
      }).then((res) => res.status);
    await adminPage.goto(`${backend.url}/admin/users`);
    await adminPage.click(sel('user-disable-vera'));
    await adminPage.click('.ant-popover .ant-btn-primary');
    await adminPage.locator(sel('user-enable-vera')).waitFor({ timeout: 15_000 });
    expect(await login()).toBe(401);
    await adminPage.click(sel('user-enable-vera'));
    await adminPage.locator(sel('user-disable-vera')).waitFor({ timeout: 15_000 });
    expect(await login()).toBe(200);
  });
});
