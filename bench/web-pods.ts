// The pods page in Chromium with kube-sim's `scale:N` seed (issue 4: "100,000 pods usable in one
// list", first rows within 1.5 s). Per N, with a fresh kube-sim and backend (cold watch hub):
// first rows visible and all N items listed after navigating to the pods page, a text filter,
// a jump to the bottom of the virtual list, and the tab's JS heap. References are measured in the
// same tab: the page fetching Table JSON through the backend proxy itself (limit=500), a plain
// Array.filter over N names, one animation frame, and the idle tab's heap; and, for the first
// rows, the app's own start (a full navigation to the clusters page until its first row).
//
// The web app is built once with vite (BENCH_WEB_DIST=<dir> reuses a build); the backend serves it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumPath } from '@k8s-console/test-support';
import { mb, ms, ratio, type BenchRow } from './bench-row.js';
import { ADMIN_PASSWORD, ADMIN_USERNAME, root, startBackendProcess, startSimProcess, type Backend } from './console-under-test.js';

// BENCH_WEB_PODS_SCALES=10000 runs one size only (while iterating).
const SCALES = (process.env.BENCH_WEB_PODS_SCALES ?? '10000,100000').split(',').map(Number);
const FILTER_PREFIX = 'web-00';
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json';
// Upper bounds so a regression fails the suite instead of hanging it.
const LOAD_TIMEOUT_MS = 180_000;
const STEP_TIMEOUT_MS = 30_000;

const sel = (name: string) => `[data-test="${name}"]`;

async function buildWeb(): Promise<{ dir: string; owned: boolean }> {
  const given = process.env.BENCH_WEB_DIST;
  if (given && existsSync(join(given, 'index.html'))) return { dir: given, owned: false };
  const dir = mkdtempSync(join(tmpdir(), 'bench-web-'));
  const webDir = join(root, 'apps/web-k8s');
  const child = spawn(process.execPath, [join(webDir, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: webDir,
    env: { ...process.env, VITE_BASE: '/', NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0 || !existsSync(join(dir, 'index.html'))) throw new Error(`vite build failed (${code}): ${err.slice(-2000)}`);
  return { dir, owned: true };
}

// Runs in every document of the tab (the repository's tsconfig has no DOM types, so browser code
// is kept as strings). Times are performance.now(), i.e. milliseconds since navigation started,
// taken in the animation frame after the change so they approximate when it was painted.
const PROBE = `(() => {
  const b = { firstRows: 0, counts: [], inputAt: 0 };
  window.__bench = b;
  let firstSeen = false;
  let lastCount = -1;
  const painted = (cb) => requestAnimationFrame(() => cb(performance.now()));
  const check = () => {
    if (!firstSeen && document.querySelector('[role="row"][data-row]')) {
      firstSeen = true;
      painted((t) => (b.firstRows = t));
    }
    const table = document.querySelector('[data-test="resource-table"]');
    const count = table ? Number(table.getAttribute('aria-rowcount')) : -1;
    if (count !== lastCount) {
      lastCount = count;
      painted((t) => b.counts.push([count, t]));
    }
  };
  document.addEventListener('input', () => (b.inputAt = performance.now()), true);
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-rowcount'] });
})()`;

interface Probe {
  firstRows: number;
  counts: [number, number][];
  inputAt: number;
}
const readProbe = (page: Page) => page.evaluate('window.__bench') as Promise<Probe>;

/** The page's own fetches of Table JSON through the backend proxy: the floor for what the list shows. */
async function referenceFetches(page: Page, backend: Backend): Promise<{ firstPage: number; all: number; rows: number }> {
  const script = `(async ({ base, token, accept }) => {
    const get = async (cont) => {
      const res = await fetch(base + '?limit=500' + (cont ? '&continue=' + encodeURIComponent(cont) : ''), { headers: { accept, authorization: 'Bearer ' + token } });
      if (!res.ok) throw new Error('reference fetch: ' + res.status);
      return res.json();
    };
    await get(''); // warm: the backend's client for the cluster and its connection pool
    const firsts = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const page = await get('');
      if (!page.rows.length) throw new Error('reference fetch: no rows');
      firsts.push(performance.now() - t0);
    }
    firsts.sort((a, b) => a - b);
    const t0 = performance.now();
    let rows = 0;
    let cont = '';
    do {
      const page = await get(cont);
      rows += page.rows.length;
      cont = page.metadata.continue || '';
    } while (cont);
    return { firstPage: firsts[2], all: performance.now() - t0, rows };
  })(${JSON.stringify({ base: `/api/v1/clusters/${backend.clusterId}/k8s/api/v1/pods`, token: backend.token, accept: TABLE_ACCEPT })})`;
  return page.evaluate(script) as Promise<{ firstPage: number; all: number; rows: number }>;
}

async function jsHeapUsed(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  } finally {
    await cdp.detach();
  }
}

/** Waits for the list to report `predicate(count)` after `since`; the paint time of that count. */
async function countReached(page: Page, since: number, predicate: string): Promise<[number, number]> {
  const handle = await page.waitForFunction(
    `(() => { const hit = window.__bench.counts.find(([c, t]) => t >= ${since} && (${predicate})(c)); return hit || false; })()`,
    undefined,
    { timeout: STEP_TIMEOUT_MS, polling: 20 },
  );
  return (await handle.jsonValue()) as [number, number];
}

async function measureScale(browser: Browser, webDist: string, pods: number): Promise<BenchRow[]> {
  const sim = await startSimProcess(`scale:${pods}`);
  try {
    // NODE_ENV=development, as this benchmark has always run it, so its results stay comparable.
    const backend = await startBackendProcess(sim, { webDist, nodeEnv: 'development' });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      await context.addInitScript(PROBE);
      const page = await context.newPage();
      await page.goto(`${backend.url}/clusters`);
      await page.waitForURL(/\/login/);
      await page.fill(sel('login-username'), ADMIN_USERNAME);
      await page.fill(sel('login-password'), ADMIN_PASSWORD);
      await page.click(sel('login-submit'));
      await page.waitForURL((url) => !url.pathname.endsWith('/login'));
      await page.locator(sel('clusters-table')).waitFor({ timeout: STEP_TIMEOUT_MS });
      const idleHeap = await jsHeapUsed(page);
      const reference = await referenceFetches(page, backend);
      if (reference.rows !== pods) throw new Error(`the sim listed ${reference.rows} pods, expected ${pods}`);
      // The app's own start: a full navigation to the clusters page until its first table row.
      await page.goto(`${backend.url}/clusters`);
      const shellFirstRow = (await page
        .waitForFunction(`document.querySelector('${sel('clusters-table')} .ant-table-row') ? performance.now() : false`, undefined, { timeout: STEP_TIMEOUT_MS, polling: 'raf' })
        .then((h) => h.jsonValue())) as number;

      // Opening the pods page: a full navigation, as a user following a link or reloading.
      await page.goto(`${backend.url}/clusters/${backend.clusterId}/resources/core/v1/pods`);
      await page.waitForFunction('window.__bench.firstRows > 0', undefined, { timeout: STEP_TIMEOUT_MS, polling: 20 });
      const [, allAt] = await page
        .waitForFunction(`window.__bench.counts.find(([c]) => c === ${pods}) || false`, undefined, { timeout: LOAD_TIMEOUT_MS, polling: 50 })
        .then((h) => h.jsonValue() as Promise<[number, number]>);
      await page.locator(sel('list-live')).waitFor({ timeout: STEP_TIMEOUT_MS });
      const { firstRows } = await readProbe(page);
      const heap = await jsHeapUsed(page);

      // Text filter: the whole prefix in one input event (each keystroke costs one such pass).
      const filterFloor = (await page.evaluate(`(() => {
        const names = Array.from({ length: ${pods} }, (_, i) => 'bench-' + (i % 100) + ' web-' + i + ' running 10.0.0.' + (i % 255));
        const t0 = performance.now();
        const hits = names.filter((s) => s.includes(${JSON.stringify(FILTER_PREFIX)}));
        const took = performance.now() - t0;
        window.__benchSink = hits.length; // keeps the filter from being optimised away
        return took;
      })()`)) as number;
      const filterInput = page.locator(`${sel('text-filter')} input, input${sel('text-filter')}`).first();
      const before = await page.evaluate('performance.now()') as number;
      await filterInput.fill(FILTER_PREFIX);
      const [filtered, filteredAt] = await countReached(page, before, `(c) => c >= 0 && c < ${pods}`);
      const filterAnswer = filteredAt - (await readProbe(page)).inputAt;
      const beforeClear = await page.evaluate('performance.now()') as number;
      await filterInput.fill('');
      const [, clearedAt] = await countReached(page, beforeClear, `(c) => c === ${pods}`);
      const clearAnswer = clearedAt - (await readProbe(page)).inputAt;

      // Scrolling: one frame as the reference, then a jump to the very bottom of the list.
      const scroll = (await page.evaluate(`new Promise((resolve, reject) => {
        const body = document.querySelector('[data-test="resource-table"] .vtable__body');
        const inner = body && body.firstElementChild;
        if (!inner) return reject(new Error('no virtual table body'));
        const frames = [];
        let last = 0;
        const sample = (t) => {
          if (last) frames.push(t - last);
          last = t;
          if (frames.length < 30) return requestAnimationFrame(sample);
          frames.sort((a, b) => a - b);
          const frame = frames[15];
          const t0 = performance.now();
          body.scrollTop = body.scrollHeight;
          const deadline = t0 + ${STEP_TIMEOUT_MS};
          const bottomRendered = (t) => {
            // Layout rectangles, not style.transform: Chromium serialises big offsets with six
            // significant digits (translateY(3.99884e+06px)).
            const bottom = inner.getBoundingClientRect().bottom;
            let lastRow = null;
            let lastBottom = -Infinity;
            for (const row of inner.querySelectorAll('[role="row"]')) {
              const rowBottom = row.getBoundingClientRect().bottom;
              if (rowBottom > lastBottom) { lastBottom = rowBottom; lastRow = row; }
            }
            if (lastRow && lastBottom >= bottom - 1 && lastRow.textContent.trim()) {
              return resolve({ frame, jump: t - t0, lastName: lastRow.getAttribute('data-row') });
            }
            if (t > deadline) return reject(new Error('the last rows were not rendered: last row ends at ' + lastBottom + ' px, the list at ' + bottom + ' px'));
            requestAnimationFrame(bottomRendered);
          };
          requestAnimationFrame(bottomRendered);
        };
        requestAnimationFrame(sample);
      })`)) as { frame: number; jump: number; lastName: string };

      const n = pods.toLocaleString('en-US');
      const target = pods >= 100_000 ? 'usable at 100,000' : '';
      return [
        { name: `${n} pods: first rows visible`, value: ms(firstRows), reference: `page fetch, first 500 rows ${ms(reference.firstPage)}`, ratio: ratio(firstRows, reference.firstPage), target: 'first rows < 1.5 s' },
        { name: `${n} pods: first rows visible, vs the app's start`, value: ms(firstRows), reference: `clusters page, first row ${ms(shellFirstRow)}`, ratio: ratio(firstRows, shellFirstRow), target: 'first rows < 1.5 s' },
        { name: `${n} pods: all ${n} items listed`, value: ms(allAt), reference: `page fetch, all pages of 500 ${ms(reference.all)}`, ratio: ratio(allAt, reference.all), target },
        { name: `${n} pods: text filter "${FILTER_PREFIX}" (${filtered} rows)`, value: ms(filterAnswer), reference: `Array.filter of ${n} strings ${ms(filterFloor)}`, ratio: ratio(filterAnswer, filterFloor), target: 'answers as you type' },
        { name: `${n} pods: filter cleared (${n} rows)`, value: ms(clearAnswer), reference: `Array.filter of ${n} strings ${ms(filterFloor)}`, ratio: ratio(clearAnswer, filterFloor) },
        { name: `${n} pods: jump to bottom, last rows drawn`, value: ms(scroll.jump), reference: `one frame ${ms(scroll.frame)}`, ratio: ratio(scroll.jump, scroll.frame), target: `last row ${scroll.lastName}` },
        { name: `${n} pods: tab JS heap, list loaded`, value: mb(heap), reference: `signed-in tab ${mb(idleHeap)}`, ratio: ratio(heap, idleHeap), target: `${((heap - idleHeap) / pods).toFixed(0)} B/pod` },
      ];
    } finally {
      await context.close();
      await backend.stop();
    }
  } finally {
    await sim.stop();
  }
}

export async function runWebPodsBenchmarks(): Promise<BenchRow[]> {
  const gate = chromiumPath();
  if (!gate.available) throw new Error(`Chromium is needed: ${gate.reason}`);
  const web = await buildWeb();
  const browser = await chromium.launch({ executablePath: gate.path, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const rows: BenchRow[] = [];
    for (const pods of SCALES) rows.push(...(await measureScale(browser, web.dir, pods)));
    return rows;
  } finally {
    await browser.close();
    if (web.owned) rmSync(web.dir, { recursive: true, force: true });
  }
}
