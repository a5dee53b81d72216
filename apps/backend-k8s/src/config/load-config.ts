// parseConfig + resolveSecrets in one call, for main.ts and the CLI commands.
import { parseConfig } from './app-config.js';
import { resolveSecrets, type ResolvedSecrets } from './secrets.js';

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): ResolvedSecrets {
  return resolveSecrets(parseConfig(env, cwd));
}
