// Signing in through the page, and the API shortcuts a test uses to set the stage quickly.
import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, ADMIN_USERNAME } from './backend-process';

export const sel = (name: string) => `[data-test="${name}"]`;

export async function signIn(page: Page, baseUrl: string, path = '/clusters'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.waitForURL(/\/login/);
  await page.fill(sel('login-username'), ADMIN_USERNAME);
  await page.fill(sel('login-password'), ADMIN_PASSWORD);
  await page.click(sel('login-submit'));
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
}

export async function apiToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

export async function addCluster(baseUrl: string, token: string, name: string, kubeconfig: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/clusters`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name, kubeconfig }),
  });
  if (!res.ok) throw new Error(`adding cluster failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Rows the virtual table currently renders, by name. */
export async function rowNames(page: Page): Promise<string[]> {
  return page.locator('[role="row"][data-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row') ?? ''));
}
