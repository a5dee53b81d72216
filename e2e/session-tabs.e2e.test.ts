// One sign-in shared by two tabs of the standalone console. Their access token runs out while both
// are open, and both ask for a new one at the same moment: the server takes each refresh token
// once and ends the whole sign-in on a second use, so the tabs must take turns (Web Locks) and the
// second adopt what the first got. Both stay signed in. The renewal requests are held at the
// browser's network layer so that two tabs racing would overlap for sure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type BackendProcess } from './support/backend-process';
import { chromiumGate, launchChromium } from './support/browser';
import { apiToken, sel, signIn } from './support/console-session';
import { buildWebOnce } from './support/web-build';

const storedSession = (page: Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem('k8s-console.session') ?? 'null') as { refreshToken: string; accessToken: string } | null).then((s) => {
    if (!s) throw new Error('no session stored');
    return s;
  });

// the shortest access-token lifetime the backend accepts
const ACCESS_TOKEN_SECONDS = 60;

describe.runIf(chromiumGate.available)('one session in two tabs', () => {
  let dataDir: string;
  let backend: BackendProcess;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kc-e2e-tabs-'));
    let webDist: string;
    [webDist, browser] = await Promise.all([buildWebOnce(), launchChromium()]);
    backend = await startBackend({ dataDir, webDist, env: { JWT_TTL_SECONDS: String(ACCESS_TOKEN_SECONDS) } });
  });
  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('both tabs renew the expired session at once and stay signed in', async () => {
    const context = await browser.newContext();
    const a = await context.newPage();
    await signIn(a, backend.url, '/admin/users');
    const b = await context.newPage();
    await b.goto(`${backend.url}/admin/users`);
    for (const page of [a, b]) await page.locator(sel('user-row-admin')).waitFor({ timeout: 15_000 });
    const before = await storedSession(a);

    await new Promise((resolve) => setTimeout(resolve, (ACCESS_TOKEN_SECONDS + 2) * 1000));
    // Hold each renewal until the other tab's has arrived too (or 2 s passed), so that two tabs
    // racing would both be on the wire at once: with the lock, only one ever is.
    const held: Route[] = [];
    let refreshes = 0;
    const release = () => {
      for (const route of held.splice(0)) void route.continue();
    };
    await context.route('**/api/v1/auth/refresh', (route) => {
      refreshes += 1;
      held.push(route);
      if (held.length >= 2) release();
      else setTimeout(release, 2000);
    });
    // both tabs open another page at the same moment: each asks the API with the expired token,
    // gets 401 and renews, holding the same refresh token in memory
    await Promise.all([a, b].map((page) => page.click('.ant-tabs-tab:has-text("Roles")')));
    for (const page of [a, b]) {
      await page.locator(`${sel('roles-table')} .ant-table-row`).first().waitFor({ timeout: 15_000 });
      expect(new URL(page.url()).pathname).toBe('/admin/roles');
    }
    // and keep working afterwards
    await Promise.all([a, b].map((page) => page.click('.ant-tabs-tab:has-text("Users")')));
    for (const page of [a, b]) await page.locator(sel('user-row-admin')).waitFor({ timeout: 15_000 });

    expect(refreshes).toBe(1);
    // the session was renewed (a new refresh token), and both tabs hold the same one
    const after = await storedSession(a);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(await storedSession(b)).toEqual(after);
    // no refresh token was presented twice: that would have been audited as a reuse
    const admin = await apiToken(backend.url);
    const audit = (await (await fetch(`${backend.url}/api/v1/audit?action=refresh`, { headers: { authorization: `Bearer ${admin}` } })).json()) as {
      items: { outcome: string; detail?: string | null }[];
    };
    expect(audit.items).toEqual([]);
    await context.close();
  }, (ACCESS_TOKEN_SECONDS + 60) * 1000);
});
