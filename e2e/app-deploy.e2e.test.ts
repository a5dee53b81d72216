// "Deploy application" in the browser against a kube-sim: a wrong name is refused at its field,
// the filled form becomes YAML with a server dry run, the create makes the objects, and the new
// pods are seen Running in the pods list; then the application is deleted from its edit page.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumGate } from './support/browser';
import { resultsDir } from './support/paths';
import { rowNames, sel } from './support/console-session';
import { useDemoConsole } from './support/demo-console';

describe.runIf(chromiumGate.available)('deploy an application from one form', () => {
  const demo = useDemoConsole();
  const input = (name: string) => `${sel(name)} input, input${sel(name)}`;

  it('fills the form, reviews the YAML, creates, and sees the new pods Running', async () => {
    const { page, clusterPath } = demo;
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
    const { page, sim, clusterPath } = demo;
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
