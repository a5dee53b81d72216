// Tunables of the replica sync that are not in DESIGN's stable environment list. Parsed and
// validated here, once, the way config/ parses the rest, so a wrong value stops the start.
import { ConfigError } from '../config/app-config.js';

export interface ReplicationSettings {
  /** POST each change to siblings (REPLICATION_BROADCAST=off turns it off, e.g. to test the other paths) */
  broadcast: boolean;
  /** NOTIFY/LISTEN through PostgreSQL (REPLICATION_NOTIFY=off turns it off); ignored on SQLite */
  notify: boolean;
  /** how often cached connections are compared with the clusters table (RECONCILE_INTERVAL_MS) */
  reconcileIntervalMs: number;
  /**
   * INTERNAL_PORT: serve /api/v1/internal on this port only (and nothing else there), so a
   * NetworkPolicy can let only sibling pods reach it. Unset: served on PORT like every route.
   */
  internalPort?: number;
}

type Env = Record<string, string | undefined>;

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['on', 'true', '1'].includes(raw)) return true;
  if (['off', 'false', '0'].includes(raw)) return false;
  throw new ConfigError(name, `expected on or off, got "${env[name]}"`);
}

export function parseReplicationSettings(env: Env = process.env): ReplicationSettings {
  const rawInterval = env.RECONCILE_INTERVAL_MS?.trim();
  let reconcileIntervalMs = 30_000;
  if (rawInterval) {
    if (!/^\d+$/.test(rawInterval) || Number(rawInterval) < 100 || Number(rawInterval) > 86_400_000) {
      throw new ConfigError('RECONCILE_INTERVAL_MS', `expected an integer from 100 to 86400000, got "${rawInterval}"`);
    }
    reconcileIntervalMs = Number(rawInterval);
  }
  const rawPort = env.INTERNAL_PORT?.trim();
  let internalPort: number | undefined;
  if (rawPort) {
    if (!/^\d+$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535) {
      throw new ConfigError('INTERNAL_PORT', `expected a port from 1 to 65535, got "${rawPort}"`);
    }
    internalPort = Number(rawPort);
  }
  return {
    internalPort,
    broadcast: onOff(env, 'REPLICATION_BROADCAST', true),
    notify: onOff(env, 'REPLICATION_NOTIFY', true),
    reconcileIntervalMs,
  };
}
