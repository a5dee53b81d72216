// Builds the web console once for the whole e2e run and hands its folder to every test file
// (files run in separate workers, so a module-level cache alone would build once per file).
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { findExecutable } from '@k8s-console/test-support';
import { buildWebOnce } from './web-build';

declare module 'vitest' {
  export interface ProvidedContext {
    webDist: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  // Without a browser every file skips (or fails in CI through its gate): no build needed.
  const browser = process.env.CHROMIUM_PATH || findExecutable(['chromium', 'chromium-browser', 'google-chrome']);
  const webDist = browser ? await buildWebOnce() : '';
  project.provide('webDist', webDist);
  // Remove the build this run made (never a folder given by E2E_WEB_DIST).
  return () => {
    if (webDist && webDist !== process.env.E2E_WEB_DIST) rmSync(webDist, { recursive: true, force: true });
  };
}
