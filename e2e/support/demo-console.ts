// The stage most browser tests start from: a kube-sim with the demo seed, the real backend on a
// fresh data folder with that sim registered as cluster "demo", and Chromium signed in as the admin.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { startBackend, type BackendProcess } from './backend-process';
import { addCluster, apiToken, signIn } from './console-session';
import { startKubeSim, type KubeSimHandle } from './kube-sim';
import { resultsDir } from './paths';
import { buildWebOnce } from './web-build';

export interface DemoConsole {
  sim: KubeSimHandle;
  backend: BackendProcess;
  browser: Browser;
  /** The signed-in context: its other pages share the admin's session. */
  context: BrowserContext;
  /** A page of that context, signed in. */
  page: Page;
  clusterId: string;
  /** The console's URL of a page of the demo cluster, e.g. clusterPath('/resources/core/v1/pods'). */
  clusterPath(path: string): string;
  stop(): Promise<void>;
}

export async function startDemoConsole(): Promise<DemoConsole> {
  mkdirSync(resultsDir, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'kc-e2e-data-'));
  let sim: KubeSimHandle | undefined;
  let browser: Browser | undefined;
  let backend: BackendProcess | undefined;
  const stop = async () => {
    await browser?.close();
    await backend?.stop();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // allSettled, not all: when one of them fails, wait for the others to finish starting so that
    // stop() below closes them (Promise.all would throw at once and leave them running).
    const [web, simStarted, browserStarted] = await Promise.allSettled([buildWebOnce(), startKubeSim({ seed: 'demo' }), launchChromium()]);
    if (simStarted.status === 'fulfilled') sim = simStarted.value;
    if (browserStarted.status === 'fulfilled') browser = browserStarted.value;
    if (web.status === 'rejected') throw web.reason;
    if (simStarted.status === 'rejected') throw simStarted.reason;
    if (browserStarted.status === 'rejected') throw browserStarted.reason;
    const started = { sim: simStarted.value, browser: browserStarted.value };
    backend = await startBackend({ dataDir, webDist: web.value });
    const url = backend.url;
    const clusterId = await addCluster(url, await apiToken(url), 'demo', started.sim.kubeconfig);
    const context = await started.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await signIn(page, url);
    return { ...started, backend, context, page, clusterId, clusterPath: (path) => `${url}/clusters/${clusterId}${path}`, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * startDemoConsole() in the enclosing describe's beforeAll, stopped in its afterAll. The object it
 * returns is empty until beforeAll has run: read its fields inside tests and hooks only.
 */
export function useDemoConsole(): DemoConsole {
  const demo = {} as DemoConsole;
  beforeAll(async () => {
    Object.assign(demo, await startDemoConsole());
  });
  afterAll(async () => {
    await demo.stop?.();
  });
  return demo;
}
