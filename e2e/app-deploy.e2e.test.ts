// "Deploy application" in the browser against a kube-sim: a wrong name is refused at its field,
// the filled form becomes YAML with a server dry run, the create makes the objects, and the new
// pods are seen Running in the pods list; then the application is deleted from its edit page.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumGate, launchChromium } from './support/browser';
import { startBackend, type BackendProcess } from './support/backend-process';
import { startKubeSim, type KubeSimHandle } from './support/kube-sim';
import { buildWebOnce } from './support/web-build';
import { resultsDir } from './support/paths';
import { addCluster, apiToken, rowNames, sel, signIn } from './support/console-session';

describe.runIf(chromiumGate.available)('deploy an application from one form', () => {
  let dataDir: string;
  let sim: KubeSimHandle;
  let backend: BackendProcess;
  let browser: Browser;
  let page: Page;
  let clusterId: string;

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'kc-e2e-data-'));
    let webDist: string;
    [webDist, sim, browser] = await Promise.all([buildWebOnce(), startKubeSim({ seed: 'demo' }), launchChromium()]);
    backend = await startBackend({ dataDir, webDist });
    clusterId = await addCluster(backend.url, await apiToken(backend.url), 'demo', sim.kubeconfig);
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    await signIn(page, backend.url);
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
    await sim?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const clusterPath = (path: string) => `${backend.url}/clusters/${clusterId}${path}`;
  const input = (name: string) => `${sel(name)} input, input${sel(name)}`;

  it('fills the form, reviews the YAML, creates, and sees the new pods Running', async () => {
    // From the Deployments list of the namespace, as a user would start.
    await page.goto(clusterPath('/resources/apps/v1/deployments?namespace=shop'));
    await page.click(sel('deploy-application'));
    await page.locator(sel('app-deploy')).waitFor();
    expect(await page.locator(input('app-namespace')).inputValue()).toBe('shop');

    await page.fill(input('app-name'), 'Hello_App');
    await page.fill(input('app-image'), 'nginx:1.27');
    await page.fill(input('app-container-port'), '80');
    await page.fill(input('app-replicas'), '2');
    await page.click(sel('app-ingress-enabled'));
    await page.fill(input('app-ingress-host'), 'hello.example.com');
    await page.click(sel('app-next'));
    // The name is refused where it was typed, in Kubernetes' words; nothing else is.
    const errors = page.locator('.ant-form-item-explain-error');
    await expect.poll(() => errors.allInnerTexts()).toEqual([expect.stringContaining('lowercase letters, digits or "-"')]);
    await page.screenshot({ path: join(resultsDir, 'app-deploy-form-error.png'), fullPage: true });

    await page.fill(input('app-name'), 'hello');
    await page.click(sel('app-next'));
    await page.locator(sel('yaml-editor')).waitFor();
    // The server's dry run says each object would be created.
    await page.locator(`${sel('app-object-Ingress')} ${sel('app-object-action-created')}`).waitFor({ timeout: 15_000 });
    expect(await page.locator(`${sel('yaml-editor')} .cm-content`).innerText()).toContain('kind: Deployment');
    await page.screenshot({ path: join(resultsDir, 'app-deploy-review.png') });

    await page.click(sel('app-submit'));
    await page.locator(sel('app-result')).waitFor({ timeout: 15_000 });
    await page.click(sel('app-open-pods'));
    await page.waitForURL(/\/resources\/core\/v1\/pods/);
    await page.locator(sel('list-live')).waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await rowNames(page)).filter((n) => n.startsWith('hello-')).length, { timeout: 30_000 }).toBe(2);
    const statuses = () => page.locator('[role="row"][data-row^="hello-"]').allInnerTexts();
    await expect.poll(async () => (await statuses()).filter((row) => row.includes('Running')).length, { timeout: 60_000 }).toBe(2);
    await page.screenshot({ path: join(resultsDir, 'app-deploy-pods.png') });

    // The Service and the Ingress are in the network lists at once.
    await page.goto(clusterPath('/resources/networking.k8s.io/v1/ingresses?namespace=shop'));
    await expect.poll(() => rowNames(page), { timeout: 15_000 }).toContain('hello');
  });

  it('opens the application from the list and deletes all its objects', async () => {
    await page.goto(clusterPath('/apps?namespace=shop'));
    await page.click('a:text-is("hello")');
    await page.locator(sel('app-delete')).waitFor();
    await expect.poll(() => page.locator(input('app-image')).inputValue(), { timeout: 15_000 }).toBe('nginx:1.27');
    await page.click(sel('app-delete'));
    await page.click('.ant-popover .ant-btn-primary');
    await page.locator(sel('app-result')).waitFor({ timeout: 15_000 });
    await expect.poll(() => sim.sim.store.get({ group: 'apps', resource: 'deployments' }, 'shop', 'hello'), { timeout: 15_000 }).toBeUndefined();
    expect(sim.sim.store.get({ group: 'networking.k8s.io', resource: 'ingresses' }, 'shop', 'hello')).toBeUndefined();
    expect(sim.sim.store.get('services', 'shop', 'hello')).toBeUndefined();
  });
});
