import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { serviceGate, type ServiceGate } from './gate.js';

export function findExecutable(names: string[], extraDirs: string[] = []): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return null;
}

export function chromiumPath(): ServiceGate & { path: string } {
  const path = process.env.CHROMIUM_PATH || findExecutable(['chromium', 'chromium-browser', 'google-chrome']);
  return { ...serviceGate('chromium', path, 'install Debian package "chromium" or set CHROMIUM_PATH'), path: path ?? '' };
}

export function nginxPath(): ServiceGate & { path: string } {
  const path = findExecutable(['nginx'], ['/usr/sbin']);
  return { ...serviceGate('nginx', path, 'install Debian package "nginx"'), path: path ?? '' };
}

export function kubectlPath(): ServiceGate & { path: string } {
  const path = findExecutable(['kubectl']);
  return { ...serviceGate('kubectl', path, 'kubectl is not on PATH'), path: path ?? '' };
}
