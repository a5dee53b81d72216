// Debian's Chromium driven by playwright-core, headless and quiet.
import { chromium, type Browser } from 'playwright-core';
import { chromiumPath } from '@k8s-console/test-support';

export const chromiumGate = chromiumPath();

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumGate.path,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
