// Table shapes as Kysely sees them. Other domains add theirs by module augmentation:
//   declare module '../db/schema.js' { interface Database { roles: RolesTable } }
// Timestamps are ISO-8601 text and booleans 0/1 integers so the same SQL runs on SQLite and PostgreSQL.
import type { Generated } from 'kysely';

export interface ClustersTable {
  id: string;
  name: string;
  description: string;
  server: string;
  /** base64(nonce ‖ ciphertext ‖ tag) of the sanitised ClusterCredentials JSON */
  sealed_credentials: string;
  /** which key of KUBECONFIG_ENCRYPTION_KEYS sealed it */
  key_id: string;
  /** bumped on every change; connection caches compare it */
  version: number;
  k8s_version: string | null;
  health_status: 'ok' | 'error' | 'unknown';
  health_checked_at: string | null;
  health_last_error: string | null;
  /** who manages the row outside the API, e.g. 'quickstart' for the demo cluster; null for users' */
  managed_by: string | null;
  created_at: string;
  updated_at: string;
  created_by: string;
}

export interface UsersTable {
  id: string;
  username: string;
  /** scrypt$N$r$p$salt$hash (see auth/password-hash.ts) */
  password_hash: string;
  disabled: Generated<number>;
  /** JSON array of group names */
  groups: string;
  created_at: string;
  /** access tokens issued before this time (epoch ms) are refused; null: none revoked */
  tokens_valid_after_ms: Generated<number | string | null>;
}

export interface Database {
  clusters: ClustersTable;
  users: UsersTable;
}
