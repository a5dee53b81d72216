// `pnpm --filter @k8s-console/backend-k8s reseal`: re-seals every cluster with the active key of
// KUBECONFIG_ENCRYPTION_KEYS (the first). Rotate by putting a new key first, running this, then
// removing the old key once it reports nothing left under it. Safe to run while replicas serve:
// the plaintext and the row version do not change.
import { openStore } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { ClusterStore } from '../clusters/cluster-store.js';
import { loadConfig } from '../config/load-config.js';
import { ConfigError } from '../config/app-config.js';
import { KeyRing } from './key-ring.js';

export async function reseal(env: Record<string, string | undefined>, cwd = process.cwd()): Promise<string> {
  const { config } = loadConfig(env, cwd);
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(store.db);
    const ring = new KeyRing(config.kubeconfigKeys);
    const { resealed, total } = await new ClusterStore(store.db, ring).resealAll();
    return `re-sealed ${resealed} of ${total} cluster(s) with key "${ring.activeKeyId}"; ${total - resealed} already used it`;
  } finally {
    await store.db.destroy();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  reseal(process.env, process.env.INIT_CWD ?? process.cwd()).then(
    (summary) => console.log(summary),
    (err: unknown) => {
      console.error(err instanceof ConfigError ? `configuration error: ${err.message}` : `reseal failed: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
