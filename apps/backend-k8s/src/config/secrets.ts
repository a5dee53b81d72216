// Secrets in development are generated once into DATA_DIR/secrets.json (mode 0600) so a fresh
// checkout starts with zero setup and keeps working across restarts; in production a missing
// secret stops the start, because a generated one would differ per replica.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type AppConfig, type RawConfig } from './app-config.js';
import { parseKeyRingSpec } from './key-ring-spec.js';

interface GeneratedSecrets {
  KUBECONFIG_ENCRYPTION_KEYS?: string;
  JWT_SECRET?: string;
  INTERNAL_SECRET?: string;
}

export interface ResolvedSecrets {
  config: AppConfig;
  /** one line per generated or reused-from-file secret, for the log */
  warnings: string[];
}

export function resolveSecrets(raw: RawConfig): ResolvedSecrets {
  const missing = (['KUBECONFIG_ENCRYPTION_KEYS', 'JWT_SECRET', 'INTERNAL_SECRET'] as const).filter(
    (name) =>
      (name === 'KUBECONFIG_ENCRYPTION_KEYS' && !raw.kubeconfigKeys) ||
      (name === 'JWT_SECRET' && !raw.jwtSecret) ||
      (name === 'INTERNAL_SECRET' && !raw.internalSecret),
  );
  if (missing.length && raw.production) {
    throw new ConfigError(missing[0]!, 'required when NODE_ENV=production (see docs/configuration.md)');
  }
  const warnings: string[] = [];
  let stored: GeneratedSecrets = {};
  if (missing.length) {
    const file = join(raw.dataDir, 'secrets.json');
    mkdirSync(raw.dataDir, { recursive: true });
    if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as GeneratedSecrets;
    let changed = false;
    for (const name of missing) {
      if (!stored[name]) {
        stored[name] = name === 'KUBECONFIG_ENCRYPTION_KEYS' ? `dev1:${randomBytes(32).toString('base64')}` : randomBytes(48).toString('base64url');
        changed = true;
        warnings.push(`${name} is not set: generated one into ${file} (development only; set it explicitly in production)`);
      } else {
        warnings.push(`${name} is not set: using the one generated earlier in ${file}`);
      }
    }
    if (changed) {
      writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
      chmodSync(file, 0o600);
    }
  }
  return {
    warnings,
    config: {
      ...raw,
      kubeconfigKeys: raw.kubeconfigKeys ?? parseKeyRingSpec(stored.KUBECONFIG_ENCRYPTION_KEYS!),
      jwtSecret: raw.jwtSecret ?? stored.JWT_SECRET!,
      internalSecret: raw.internalSecret ?? stored.INTERNAL_SECRET!,
    },
  };
}
