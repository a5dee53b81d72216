// Pod logs and terminal in a real browser: LogViewer and PodTerminal (on a bare harness page, so
// they are proven on their own) against the backend's stream endpoints in front of a kube-sim.
// Opens a pod's logs and sees new lines arrive; types `echo hello` and sees hello; exits and
// sees the exit code.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@k8s-console/kube-sim';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeployment, createPod, LOG_RATE, runningPods } from '../apps/backend-k8s/src/streams/testing/sim-pods';
import { startStreamHarness, type StreamHarness } from '../apps/backend-k8s/src/streams/testing/stream-test-harness';
import { chromiumGate, launchChromium } from './support/browser';
import { startProcess } from './support/child-process';
import { sel } from './support/console-session';
import { echoHelloThenExit3 } from './support/pod-terminal';
import { resultsDir, webDir } from './support/paths';

async function buildHarnessPage(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'kc-e2e-streams-'));
  const vite = join(webDir, 'node_modules/vite/bin/vite.js');
  const run = startProcess(process.execPath, [vite, 'build', '--config', 'src/streams/harness/vite.config.ts', '--outDir', outDir, '--emptyOutDir'], {
    name: 'vite build (streams harness)',
    cwd: webDir,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const code = await new Promise<number | null>((resolve) => run.child.once('exit', (c) => resolve(c)));
  if (code !== 0) throw new Error(`harness build failed (${code}):\n${run.output().slice(-4000)}`);
  return outDir;
}

describe.runIf(chromiumGate.available)('pod logs and terminal in the browser', () => {
  let sim: KubeSim;
  let h: StreamHarness;
  let browser: Browser;
  let pageDir: string;

  beforeAll(async () => {
    [pageDir, sim, browser] = await Promise.all([buildHarnessPage(), startKubeSim({ seed: 'empty', podStartDelayMs: 50 }), launchChromium()]);
    h = await startStreamHarness(sim, { logSourcesPerStream: 2 }, pageDir);
    await createPod(sim, 'default', 'web', { image: 'nginx:1.27', annotations: { [LOG_RATE]: '20' } });
    await createDeployment(sim, 'default', 'api', 2, { [LOG_RATE]: '20' });
    await createDeployment(sim, 'default', 'wide', 3, { [LOG_RATE]: '20' });
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await sim?.stop();
    if (pageDir) rmSync(pageDir, { recursive: true, force: true });
  });

  it('shows new log lines arriving, runs echo hello in the terminal, and shows the exit code', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`${h.baseUrl}/?cluster=sim&namespace=default&pod=web&containers=main&token=alice-token`);

    // logs: the status counts lines, and the count keeps growing while following
    const lineCount = async () => Number(/(\d+)\s+lines/.exec(await page.locator(sel('log-status')).innerText())?.[1] ?? 0);
    await expect.poll(lineCount, { timeout: 15_000 }).toBeGreaterThan(0);
    const first = await lineCount();
    await expect.poll(lineCount, { timeout: 15_000 }).toBeGreaterThan(first + 5);
    expect(await page.locator(`${sel('log-lines')} .kc-log-line`).count()).toBeGreaterThan(0);

    // terminal: a prompt, then echo hello, then exit with a code
    await echoHelloThenExit3(page);
    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: join(resultsDir, 'pod-logs-and-terminal.png') });
    await page.close();
  });

  it("shows a deployment's pods in one aggregated log, each line prefixed with its pod", async () => {
    const pods = await runningPodsEventually(sim, 'api', 2);
    const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    await page.goto(`${h.baseUrl}/?cluster=sim&namespace=default&workload=deployment/api&token=alice-token`);
    const text = () => page.locator(sel('log-lines')).innerText();
    for (const p of pods) await expect.poll(text, { timeout: 15_000 }).toContain(`[${p}/app] `);
    expect(await page.locator(sel('log-previous')).count()).toBe(0);
    await page.close();
  });

  it('says how many containers a merged log skipped over its limit', async () => {
    await runningPodsEventually(sim, 'wide', 3);
    const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    await page.goto(`${h.baseUrl}/?cluster=sim&namespace=default&workload=deployment/wide&token=alice-token`);
    await expect.poll(() => page.locator(sel('log-notice')).innerText().catch(() => ''), { timeout: 15_000 }).toMatch(/^1 more container\(s\) match but are not shown: merged logs follow at most 2\./);
    const text = await page.locator(sel('log-lines')).innerText();
    expect(new Set([...text.matchAll(/^\[(wide-[^/]+)\/app\] /gm)].map((m) => m[1])).size).toBeLessThanOrEqual(2);
    await page.close();
  });
});

async function runningPodsEventually(sim: KubeSim, app: string, n: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const pods = await runningPods(sim, 'default', app);
    if (pods.length === n) return pods;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${app} never had ${n} running pods`);
}
