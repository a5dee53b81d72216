// Where the workspace's packages are, seen from the e2e folder.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const repoRoot = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
export const webDir = join(repoRoot, 'apps/web-k8s');
export const backendDir = join(repoRoot, 'apps/backend-k8s');
export const resultsDir = join(repoRoot, 'e2e/test-results');
