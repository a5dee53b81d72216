// Where the deployment files live, from this package's folder.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const nginxDir = join(repoRoot, 'nginx');
export const deployDir = join(repoRoot, 'deploy');
export const kubernetesDir = join(deployDir, 'kubernetes');
export const composeFile = join(repoRoot, 'docker-compose.yml');
