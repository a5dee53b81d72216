// Tunables of the replica sync, as the replication plugin uses them. They are parsed and validated
// with every other variable in config/app-config.ts (so a wrong value stops the start there); this
// only fills in the defaults for a config built without them (tests).
import type { AppConfig } from '../config/app-config.js';

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

export function replicationSettingsOf(config: AppConfig): ReplicationSettings {
  return {
    broadcast: config.replicationBroadcast ?? true,
    notify: config.replicationNotify ?? true,
    reconcileIntervalMs: config.reconcileIntervalMs ?? 30_000,
    internalPort: config.internalPort,
  };
}
