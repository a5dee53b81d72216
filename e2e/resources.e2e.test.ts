// Cluster resources in the browser against a kube-sim: live lists through the watch hub, a scale
// seen live, a ConfigMap edited as YAML with a reviewed diff, a pod deleted.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumGate } from './support/browser';
import { resultsDir } from './support/paths';
import { apiToken, rowNames, sel } from './support/console-session';
import { useDemoConsole } from './support/demo-console';

describe.runIf(chromiumGate.available)('cluster resources in the browser', () => {
  const demo = useDemoConsole();

  it('sees the pods of a deployment change live after scaling it', async () => {
    const { page, context, clusterPath } = demo;
    // One tab watches the frontend pods; another scales the deployment.
    await page.goto(clusterPath('/resources/core/v1/pods?namespace=shop&labels=app%3Dfrontend'));
    await page.locator(sel('list-live')).waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await rowNames(page)).length, { timeout: 15_000 }).toBe(3);

    const other = await context.newPage(); // same context: same signed-in session
    await other.goto(clusterPath('/resources/apps/v1/deployments/shop/frontend'));
    await other.click(sel('action-scale'));
    await other.fill(`${sel('scale-replicas')} input, input${sel('scale-replicas')}`, '5');
    await other.click('.ant-modal-footer .ant-btn-primary');
    await other.locator('.ant-message-success').waitFor({ timeout: 15_000 });
    await other.close();

    await expect.poll(async () => (await rowNames(page)).length, { timeout: 30_000 }).toBe(5);
    await page.screenshot({ path: join(resultsDir, 'pods-after-scale.png') });
  });

  it("edits a ConfigMap's YAML, reviews the diff and applies it", async () => {
    const { page, sim, clusterPath } = demo;
    await page.goto(clusterPath('/resources/core/v1/configmaps/shop/shop-config?tab=yaml'));
    await page.click(sel('edit-yaml'));
    const editor = page.locator(`${sel('yaml-editor')} .cm-content`);
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop-config\n  namespace: shop\ndata:\n  LOG_LEVEL: debug\n',
    );
    await page.click(sel('apply-review-button'));
    await page.locator(sel('apply-review')).waitFor({ timeout: 15_000 });
    if (await page.locator(sel('apply-force')).count()) {
      // The seed owns LOG_LEVEL under another field manager: take it over and review again.
      await page.click(sel('apply-force'));
      await page.click('text=Review again');
    }
    const added = () => page.locator(`${sel('apply-review')} .diff__add`).allInnerTexts();
    await expect.poll(async () => (await added()).map((line) => line.trim()), { timeout: 15_000 }).toContain('+  LOG_LEVEL: debug');
    await page.screenshot({ path: join(resultsDir, 'configmap-diff.png') });
    await page.click(sel('apply-confirm'));
    await page.locator(sel('edit-yaml')).waitFor({ timeout: 15_000 });
    const cm = sim.sim.store.get('configmaps', 'shop', 'shop-config') as { data: Record<string, string> } | undefined;
    expect(cm?.data.LOG_LEVEL).toBe('debug');
  });

  it('deletes a pod after confirmation', async () => {
    const { page, clusterPath } = demo;
    await page.goto(clusterPath('/resources/core/v1/pods?namespace=shop&labels=app%3Dfrontend'));
    await page.locator(sel('list-live')).waitFor({ timeout: 30_000 });
    const [victim] = await rowNames(page);
    expect(victim).toBeTruthy();
    await page.click(`[role="row"][data-row="${victim}"] a`);
    await page.locator(sel('detail-title')).waitFor();
    await page.click(sel('action-delete'));
    await page.click('.ant-modal-footer .ant-btn-dangerous');
    await page.waitForURL(/\/resources\/core\/v1\/pods/);
    await expect.poll(async () => (await rowNames(page)).includes(victim!), { timeout: 30_000 }).toBe(false);
  });

  it('creates a namespace from YAML and deletes it only after its name is typed', async () => {
    const { page, sim, clusterPath } = demo;
    await page.goto(clusterPath('/resources/core/v1/namespaces'));
    await page.locator(sel('list-live')).waitFor({ timeout: 30_000 });
    await page.click(sel('create-from-yaml'));
    await page.locator(`${sel('yaml-editor')} .cm-content`).click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: e2e-scratch\n');
    await page.click(sel('apply-review-button'));
    await page.locator(sel('apply-doc-created')).waitFor({ timeout: 15_000 });
    await page.click(sel('apply-confirm'));
    await expect.poll(async () => (await rowNames(page)).includes('e2e-scratch'), { timeout: 15_000 }).toBe(true);

    await page.click('[role="row"][data-row="e2e-scratch"] a');
    await page.click(sel('action-delete'));
    const confirm = page.locator(sel('delete-confirm'));
    expect(await confirm.isDisabled()).toBe(true);
    await page.fill(sel('delete-typed-name'), 'e2e-scratc');
    expect(await confirm.isDisabled()).toBe(true);
    await page.fill(sel('delete-typed-name'), 'e2e-scratch');
    await confirm.click();
    await page.waitForURL(/\/resources\/core\/v1\/namespaces/);
    const goneOrTerminating = () => {
      const ns = sim.sim.store.get('namespaces', undefined, 'e2e-scratch');
      return !ns || !!ns.metadata?.deletionTimestamp;
    };
    await expect.poll(goneOrTerminating, { timeout: 15_000 }).toBe(true);
  });

  it('cordons a node and uncordons it', async () => {
    const { page, sim, clusterPath } = demo;
    const node = sim.sim.store.list('nodes').items[0]?.metadata?.name ?? '';
    expect(node).not.toBe('');
    const unschedulable = () => (sim.sim.store.get('nodes', undefined, node)?.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true;
    await page.goto(clusterPath(`/resources/core/v1/nodes/-/${node}`));
    await page.click(sel('action-cordon'));
    await page.waitForTimeout(300);
    expect(unschedulable()).toBe(false); // not before the confirmation
    await page.click('.ant-popover .ant-btn-primary');
    await expect.poll(unschedulable, { timeout: 15_000 }).toBe(true);
    await expect.poll(() => page.locator(sel('action-cordon')).innerText(), { timeout: 15_000 }).toMatch(/Uncordon/);
    await page.click(sel('action-cordon'));
    await expect.poll(unschedulable, { timeout: 15_000 }).toBe(false);
  });

  it("masks a Secret's values, kubectl's last-applied copy of them too, until they are revealed", async () => {
    const { page, backend, clusterId, clusterPath } = demo;
    const value = 'e2e-s3cr3t-value';
    const encoded = Buffer.from(value).toString('base64');
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'e2e-secret', namespace: 'shop' }, data: { password: encoded } };
    const annotations = { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(secret) };
    const created = await fetch(`${backend.url}/api/v1/clusters/${clusterId}/k8s/api/v1/namespaces/shop/secrets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await apiToken(backend.url)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...secret, metadata: { ...secret.metadata, annotations } }),
    });
    expect(created.status).toBe(201);

    // the summary tab (the default) lists the annotation, its content masked
    await page.goto(clusterPath('/resources/core/v1/secrets/shop/e2e-secret'));
    const annotationTexts = () => page.locator('.resource-detail__annotation').allInnerTexts();
    await expect.poll(async () => (await annotationTexts()).join('\n'), { timeout: 15_000 }).toContain('last-applied-configuration');
    const summary = await page.locator('body').innerText();
    expect(summary).not.toContain(encoded);
    expect(summary).not.toContain(value);

    // the YAML tab masks it until "reveal" is ticked
    await page.click('.ant-tabs-tab:has-text("YAML")');
    const yaml = () => page.locator('.cm-content').first().innerText();
    await expect.poll(yaml, { timeout: 15_000 }).toContain('password');
    expect(await yaml()).not.toContain(encoded);
    await page.click(sel('reveal-secret'));
    await expect.poll(yaml, { timeout: 5_000 }).toContain(encoded);
    expect(await page.locator(sel('reveal-secret')).isChecked()).toBe(true);
    await page.waitForTimeout(400); // the tab's and the checkbox's transitions, for the screenshot
    await page.screenshot({ path: join(resultsDir, 'secret-revealed.png') });

    // revealing lasts only as long as the page: opened again, the Secret is masked
    await page.goto(clusterPath('/resources/core/v1/secrets/shop/e2e-secret'));
    await expect.poll(async () => (await annotationTexts()).join('\n'), { timeout: 15_000 }).toContain('last-applied-configuration');
    expect(await page.locator('body').innerText()).not.toContain(encoded);
  });

  it('keeps the text filter in step with the URL when another kind is opened and on Back', async () => {
    const { page, clusterPath } = demo;
    const filter = `${sel('text-filter')} input, input${sel('text-filter')}`;
    await page.goto(clusterPath('/resources/core/v1/pods?namespace=shop&q=frontend'));
    await page.locator(sel('list-live')).waitFor({ timeout: 30_000 });
    expect(await page.inputValue(filter)).toBe('frontend');
    await page.click(`${sel('cluster-nav')} >> text="Services"`);
    await page.waitForURL(/\/resources\/core\/v1\/services/);
    // the view is reused for the other kind: the old text must not filter it unseen
    await expect.poll(() => page.inputValue(filter)).toBe('');
    expect(new URL(page.url()).searchParams.get('q')).toBeNull();
    await page.goBack();
    await page.waitForURL(/\/resources\/core\/v1\/pods/);
    await expect.poll(() => page.inputValue(filter)).toBe('frontend');
  });

  it('does not let a crafted link climb out of the cluster proxy into another console API', async () => {
    const { page, clusterPath } = demo;
    const paths: string[] = [];
    const record = (r: { url(): string }) => paths.push(new URL(r.url()).pathname);
    page.on('request', record);
    try {
      // "%2F" arrives decoded in the route's resource: "../../../../../audit"
      await page.goto(clusterPath('/resources/core/v1/..%2F..%2F..%2F..%2F..%2Faudit'));
      await page.locator(`${sel('list-error')}, ${sel('list-warning')}, ${sel('resource-table')}`).first().waitFor({ timeout: 15_000 });
      await page.waitForTimeout(500);
    } finally {
      page.off('request', record);
    }
    expect(paths.filter((p) => p.startsWith('/api/v1/audit'))).toEqual([]);
  });
});
