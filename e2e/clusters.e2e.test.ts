// The foundation's promise end to end: sign in, add a cluster by pasting its kubeconfig, see it
// healthy, restart the backend, and find the cluster still listed and still readable.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumGate, launchChromium } from './support/browser';
import { ADMIN_USERNAME, startBackend, type BackendProcess } from './support/backend-process';
import { sel, signIn } from './support/console-session';
import { startKubeSim, type KubeSimHandle } from './support/kube-sim';
import { buildWebOnce } from './support/web-build';
import { resultsDir } from './support/paths';

describe.runIf(chromiumGate.available)('clusters in the browser', () => {
  let dataDir: string;
  let webDist: string;
  let sim: KubeSimHandle;
  let backend: BackendProcess;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'kc-e2e-data-'));
    [webDist, sim, browser] = await Promise.all([buildWebOnce(), startKubeSim({ seed: 'demo' }), launchChromium()]);
    backend = await startBackend({ dataDir, webDist });
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
    await sim?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in, refuses a bad kubeconfig at its field, adds the kube-sim and shows it healthy', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${backend.url}/login`);
    await page.fill(sel('login-username'), ADMIN_USERNAME);
    await page.fill(sel('login-password'), 'wrong-password');
    await page.click(sel('login-submit'));
    await expect.poll(() => page.locator(sel('login-error')).count()).toBe(1);

    await signIn(page, backend.url);
    await page.click(sel('add-cluster'));
    await page.fill(sel('cluster-name'), 'sim');

    // A kubeconfig that reads a file on the server is refused, and the message sits at the kubeconfig field.
    const fileKubeconfig = sim.kubeconfig.replace(/token: .*/, 'tokenFile: /etc/passwd').replace('tokenFile', 'token-file');
    await page.fill(sel('cluster-kubeconfig'), fileKubeconfig);
    await page.click(sel('cluster-save'));
    const kubeconfigItem = page.locator('.ant-form-item', { has: page.locator(sel('cluster-kubeconfig')) });
    await expect.poll(() => kubeconfigItem.getAttribute('class'), { timeout: 15_000 }).toContain('ant-form-item-has-error');
    expect(await kubeconfigItem.locator('.ant-form-item-explain').innerText()).toMatch(/file|inline/i);

    await page.fill(sel('cluster-kubeconfig'), sim.kubeconfig);
    await page.click(sel('cluster-test'));
    await page.locator(sel('connection-ok')).waitFor({ timeout: 30_000 });
    await page.click(sel('cluster-save'));
    await page.locator(sel('cluster-row-sim')).waitFor({ timeout: 30_000 });
    await page.click(sel('test-sim'));
    await page.locator(`${sel('clusters-table')} ${sel('health-ok')}`).waitFor({ timeout: 30_000 });
    const row = page.locator('tr', { has: page.locator(sel('cluster-row-sim')) });
    expect(await row.innerText()).toContain(sim.url);
    await page.screenshot({ path: join(resultsDir, 'clusters-page.png'), fullPage: true });
    await page.close();
  });

  it('still lists and reads the cluster after a backend restart', async () => {
    await backend.stop();
    backend = await startBackend({ dataDir, webDist });

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await signIn(page, backend.url);
    await page.locator(sel('cluster-row-sim')).waitFor({ timeout: 30_000 });
    await page.click(sel('cluster-row-sim'));
    await page.waitForURL(/\/clusters\/[^/]+$/);
    // The overview reads the cluster through the proxy, so the sealed kubeconfig was decrypted after the restart.
    await expect.poll(() => page.locator(sel('overview-version')).innerText(), { timeout: 30_000 }).toMatch(/^v1\./);
    await page.screenshot({ path: join(resultsDir, 'cluster-overview.png'), fullPage: true });

    // The generic list renders pods from the Table API.
    await page.click(`${sel('cluster-nav')} >> text=Pods`);
    await page.waitForURL(/\/resources\/core\/v1\/pods/);
    await page.locator('[role="row"][data-row]').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('[role="row"][data-row]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(resultsDir, 'pods-list.png') });
    await page.close();
  });
});
