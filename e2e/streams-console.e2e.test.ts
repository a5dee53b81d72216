// Logs and terminal through the real console (not the bare harness page of streams.e2e): sign in,
// open the demo cluster's pods, a running pod, its Logs tab (new lines arrive, search marks its
// matches, timestamps on) and its Terminal tab (echo hello, exit 3, reconnect opens a new
// session); then a Deployment's Logs tab with every pod in one prefixed log. Light and dark
// screenshots land in e2e/test-results.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumGate } from './support/browser';
import { resultsDir } from './support/paths';
import { rowNames, sel } from './support/console-session';
import { useDemoConsole } from './support/demo-console';
import { echoHelloThenExit3, runInTerminal } from './support/pod-terminal';

describe.runIf(chromiumGate.available)('pod logs and terminal in the console', () => {
  const demo = useDemoConsole();
  const lineCount = async () => Number(/(\d+)\s+lines/.exec(await demo.page.locator(sel('log-status')).innerText())?.[1] ?? 0);
  const logText = () => demo.page.locator(sel('log-lines')).innerText();

  async function setTheme(theme: 'light' | 'dark') {
    const { page } = demo;
    // the toggle offers the other theme
    const offers = await page.locator(sel('theme-toggle')).getAttribute('aria-label');
    if (/dark/i.test(offers ?? '') === (theme === 'dark')) await page.click(sel('theme-toggle'));
  }

  async function openRunningPod(): Promise<string> {
    const { page, sim, clusterPath } = demo;
    await page.goto(clusterPath('/resources/core/v1/pods?namespace=shop&labels=app%3Dfrontend'));
    await page.locator(sel('list-live')).waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await rowNames(page)).length, { timeout: 30_000 }).toBe(3);
    const name = (await rowNames(page))[0] ?? '';
    await expect.poll(() => sim.sim.store.get('pods', 'shop', name)?.status?.phase, { timeout: 30_000 }).toBe('Running');
    await page.click(`[data-row="${name}"] .resource-list__name`);
    await page.waitForURL((url) => url.pathname.endsWith(`/pods/shop/${name}`));
    return name;
  }

  it("follows a pod's log, marks search matches and shows timestamps", async () => {
    const { page } = demo;
    const pod = await openRunningPod();
    await page.click('.ant-tabs-tab:has-text("Logs")');
    await page.waitForURL(/tab=logs/);
    await expect.poll(lineCount, { timeout: 15_000 }).toBeGreaterThan(0);
    const first = await lineCount();
    // the demo logs 2 lines a second: new lines arrive while following
    await expect.poll(lineCount, { timeout: 15_000 }).toBeGreaterThan(first + 2);

    // search: a word of the first line is found and marked
    const firstLine = (await page.locator(`${sel('log-lines')} .kc-log-line`).first().innerText()).trim();
    const word = /[A-Za-z]{4,}/.exec(firstLine)?.[0] ?? '';
    expect(word).not.toBe('');
    await page.fill(sel('log-search'), word);
    await expect.poll(() => page.locator(`${sel('log-lines')} .kc-log-mark`).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect((await page.locator(`${sel('log-lines')} .kc-log-mark`).first().innerText()).toLowerCase()).toBe(word.toLowerCase());
    await expect.poll(() => page.locator(sel('log-match-count')).innerText()).toMatch(/^1\/[1-9]\d*/);

    // timestamps: the stream restarts with each line starting with its RFC 3339 time
    await page.check(sel('log-timestamps'));
    await expect
      .poll(async () => (await page.locator(`${sel('log-lines')} .kc-log-line`).first().innerText()).trim(), { timeout: 15_000 })
      .toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z /);
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(theme);
      await page.screenshot({ path: join(resultsDir, `console-pod-logs-${theme}.png`) });
    }
    await setTheme('light');
    expect(pod).toMatch(/^frontend-/);
  });

  it('runs echo hello in the terminal, shows exit 3, and reconnects to a new session', async () => {
    const { page, sim } = demo;
    await openRunningPod();
    const execs = () => sim.sim.runtime?.execSessions.length ?? 0;
    const before = execs();
    await page.click('.ant-tabs-tab:has-text("Terminal")');
    await page.waitForURL(/tab=terminal/);
    await echoHelloThenExit3(page);
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(theme);
      await page.screenshot({ path: join(resultsDir, `console-pod-terminal-exit-${theme}.png`) });
    }
    await setTheme('light');

    // reconnect: a second exec session reaches the cluster and gives a working shell
    const afterFirst = execs();
    expect(afterFirst).toBeGreaterThan(before);
    await page.click(sel('terminal-reconnect'));
    await expect.poll(execs, { timeout: 15_000 }).toBeGreaterThan(afterFirst);
    await expect.poll(() => page.locator(sel('terminal-status')).innerText(), { timeout: 15_000 }).not.toContain('exit code 3');
    await runInTerminal(page, 'echo again', 'again');
  });

  it("shows a deployment's pods in one log on its Logs tab, each line prefixed with its pod", async () => {
    const { page, sim, clusterPath } = demo;
    await page.goto(clusterPath('/resources/apps/v1/deployments/shop/frontend'));
    await page.click('.ant-tabs-tab:has-text("Logs")');
    await page.waitForURL(/tab=logs/);
    const pods = sim.sim.store
      .list('pods', { namespace: 'shop', labelSelector: 'app=frontend' })
      .items.filter((p) => p.status?.phase === 'Running')
      .map((p) => p.metadata?.name ?? '');
    expect(pods.length).toBeGreaterThanOrEqual(3);
    for (const p of pods) await expect.poll(logText, { timeout: 20_000 }).toContain(`[${p}/`);
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(theme);
      await page.screenshot({ path: join(resultsDir, `console-deployment-logs-${theme}.png`) });
    }
    await setTheme('light');
  });
});
