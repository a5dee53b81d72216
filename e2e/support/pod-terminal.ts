// Driving a PodTerminal (xterm.js) the way a user does: type into it, read what it drew.
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { sel } from './console-session';

/** The rows xterm draws: its text is what the user sees on the terminal. */
const terminalScreen = (page: Page): Locator => page.locator(`${sel('pod-terminal')} .xterm-rows`);

/** Types a command into the terminal and waits until `line` is drawn as one of its lines. */
export async function runInTerminal(page: Page, command: string, line: string): Promise<void> {
  await page.locator(`${sel('pod-terminal')} .xterm`).click();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await terminalScreen(page).innerText()).split('\n').map((l) => l.trim()), { timeout: 15_000 }).toContain(line);
}

/** Waits for the shell's prompt, runs `echo hello` and sees hello, then `exit 3` and sees exit code 3. */
export async function echoHelloThenExit3(page: Page): Promise<void> {
  const screen = terminalScreen(page);
  await expect.poll(() => screen.innerText(), { timeout: 15_000 }).toContain('# ');
  await runInTerminal(page, 'echo hello', 'hello');
  await page.keyboard.type('exit 3');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator(sel('terminal-status')).innerText(), { timeout: 15_000 }).toContain('exit code 3');
  // xterm draws on its own schedule, after the status line has changed: wait for it.
  await expect.poll(() => screen.innerText(), { timeout: 15_000 }).toContain('Session ended: exit code 3');
}
