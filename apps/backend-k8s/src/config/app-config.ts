// Every environment variable of DESIGN's list (plus a few tunables), parsed and validated once
// at start. A wrong value stops the start with one line naming the variable and what it expects.
import { resolve } from 'node:path';
import { parseKeyRingSpec, type KeyRingSpec } from './key-ring-spec.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AppConfig {
  production: boolean;
  host: string;
  port: number;
  dataDir: string;
  /** postgres://… ; undefined means SQLite at `${dataDir}/console.db` */
  databaseUrl?: string;
  kubeconfigKeys: KeyRingSpec;
  jwtSecret: string;
  jwtTtlSeconds: number;
  adminUsername: string;
  adminPassword?: string;
  internalSecret: string;
  podIp?: string;
  podIps: string[];
  podPort: number;
  instanceAddresses: string[];
  serviceName?: string;
  podNamespace?: string;
  broadcastTimeoutMs: number;
  ssoJwtSecret?: string;
  ssoJwtPublicKey?: string;
  ssoIssuer?: string;
  ssoAudience?: string;
  allowedExecPlugins: string[];
  webDist?: string;
  embedAllowedOrigins: string[];
  logLevel: LogLevel;
  healthCheckIntervalMs: number;
  /** how often open watches, log streams and terminals are re-authorized (changes made on other replicas) */
  sessionRecheckIntervalMs: number;
  connectionTestTimeoutMs: number;
  bodyLimitBytes: number;
  // Console RBAC, tokens, SSO and audit (optional so tests can leave them out; defaults in parseConfig).
  /** AUDIT_RETENTION_DAYS: audit records older than this are deleted (default 90) */
  auditRetentionDays?: number;
  /** REFRESH_TOKEN_TTL_SECONDS: lifetime of one refresh token (default 7 days) */
  refreshTokenTtlSeconds?: number;
  /** REFRESH_TOKEN_MAX_AGE_SECONDS: a sign-in ends after this however often refreshed (default 30 days) */
  refreshTokenMaxAgeSeconds?: number;
  /** SSO_USERNAME_CLAIM: claim of the host's JWT holding the user name (default sub) */
  ssoUsernameClaim?: string;
  /** SSO_GROUPS_CLAIM: claim holding the groups (default groups) */
  ssoGroupsClaim?: string;
  /** SSO_DEFAULT_ROLE: role bound to a user created by their first sign-on; 'none' for no role (default viewer) */
  ssoDefaultRole?: string;
  /**
   * TRUST_PROXY: whose X-Forwarded-For to believe for the client address (audit log, login
   * throttling per address): unset = nobody; 'true'; a hop count; or comma-separated IPs/CIDRs
   */
  trustProxy?: boolean | number | string;
  // Replica sync tunables (optional so tests can leave them out; defaults in parseConfig).
  /** REPLICATION_BROADCAST: POST each change to siblings (default on; off to test the other paths) */
  replicationBroadcast?: boolean;
  /** REPLICATION_NOTIFY: PostgreSQL NOTIFY/LISTEN of changes (default on); ignored on SQLite */
  replicationNotify?: boolean;
  /** RECONCILE_INTERVAL_MS: how often cached connections are compared with the clusters table (default 30000) */
  reconcileIntervalMs?: number;
  /** INTERNAL_PORT: serve /api/v1/internal on this port only, so a NetworkPolicy can fence it; unset: on PORT */
  internalPort?: number;
}

/** The config before secrets are known: those may be generated into DATA_DIR in development. */
export type RawConfig = Omit<AppConfig, 'kubeconfigKeys' | 'jwtSecret' | 'internalSecret'> & {
  kubeconfigKeys?: KeyRingSpec;
  jwtSecret?: string;
  internalSecret?: string;
};

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
  ) {
    super(`${variable}: ${expected}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `expected an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['on', 'true', '1'].includes(raw)) return true;
  if (['off', 'false', '0'].includes(raw)) return false;
  throw new ConfigError(name, `expected on or off, got "${env[name]}"`);
}

function list(env: Env, name: string, check?: (item: string) => string | null): string[] {
  const items = (read(env, name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    const problem = check?.(item);
    if (problem) throw new ConfigError(name, `${problem}, got "${item}"`);
  }
  return items;
}

function hostPort(item: string): string | null {
  return /^[A-Za-z0-9.\-_]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(item) ? null : 'expected a comma-separated list of host:port';
}

function ip(item: string): string | null {
  return /^[0-9.]+$|^[0-9a-fA-F:]+$/.test(item) ? null : 'expected comma-separated IP addresses';
}

function origin(item: string): string | null {
  // browsers send an Origin without a trailing slash: "https://host/" would never match one (nginx's check refuses it too)
  if (item.endsWith('/')) return `expected origins without a trailing slash, like ${item.replace(/\/+$/, '')}`;
  try {
    const u = new URL(item);
    return u.origin === item && /^https?:$/.test(u.protocol) ? null : 'expected origins like https://host.example:8443';
  } catch {
    return 'expected origins like https://host.example:8443';
  }
}

function secret(env: Env, name: string, minLength: number): string | undefined {
  const v = read(env, name);
  if (v !== undefined && v.length < minLength) throw new ConfigError(name, `expected at least ${minLength} characters`);
  return v;
}

function trustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (!/^[0-9a-fA-F.:/,\s]+$/.test(raw)) throw new ConfigError('TRUST_PROXY', `expected true, a hop count, or comma-separated IPs/CIDRs, got "${raw}"`);
  return raw;
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function parseConfig(env: Env = process.env, cwd = process.cwd()): RawConfig {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const databaseUrl = read(env, 'DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\/.+/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'expected a postgres:// or postgresql:// URL (unset it to use SQLite under DATA_DIR)');
  }
  let kubeconfigKeys: KeyRingSpec | undefined;
  const keysRaw = read(env, 'KUBECONFIG_ENCRYPTION_KEYS');
  if (keysRaw) {
    try {
      kubeconfigKeys = parseKeyRingSpec(keysRaw);
    } catch (err) {
      throw new ConfigError('KUBECONFIG_ENCRYPTION_KEYS', (err as Error).message);
    }
  }
  const logLevel = (read(env, 'LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  const adminUsername = read(env, 'ADMIN_USERNAME') ?? 'admin';
  if (!/^[A-Za-z0-9._@-]{1,128}$/.test(adminUsername)) {
    throw new ConfigError('ADMIN_USERNAME', 'expected 1-128 of letters, digits and . _ @ -');
  }
  const adminPassword = env.ADMIN_PASSWORD ? env.ADMIN_PASSWORD : undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) throw new ConfigError('ADMIN_PASSWORD', 'expected at least 8 characters');
  const ssoJwtPublicKey = read(env, 'SSO_JWT_PUBLIC_KEY');
  if (ssoJwtPublicKey && !ssoJwtPublicKey.includes('-----BEGIN')) {
    throw new ConfigError('SSO_JWT_PUBLIC_KEY', 'expected a PEM public key (-----BEGIN PUBLIC KEY----- …)');
  }
  const webDist = read(env, 'WEB_DIST');
  return {
    production: env.NODE_ENV === 'production',
    host: read(env, 'HOST') ?? '0.0.0.0',
    port,
    dataDir: resolve(cwd, read(env, 'DATA_DIR') ?? './data'),
    databaseUrl,
    kubeconfigKeys,
    jwtSecret: secret(env, 'JWT_SECRET', 32),
    jwtTtlSeconds: integer(env, 'JWT_TTL_SECONDS', 900, 60, 86400),
    adminUsername,
    adminPassword,
    internalSecret: secret(env, 'INTERNAL_SECRET', 32),
    podIp: list(env, 'POD_IP', ip)[0],
    podIps: list(env, 'POD_IPS', ip),
    podPort: integer(env, 'POD_PORT', port, 1, 65535),
    instanceAddresses: list(env, 'INSTANCE_ADDRESSES', hostPort),
    serviceName: read(env, 'SERVICE_NAME'),
    podNamespace: read(env, 'POD_NAMESPACE'),
    broadcastTimeoutMs: integer(env, 'BROADCAST_TIMEOUT_MS', 5000, 100, 120000),
    ssoJwtSecret: secret(env, 'SSO_JWT_SECRET', 32),
    ssoJwtPublicKey,
    ssoIssuer: read(env, 'SSO_ISSUER'),
    ssoAudience: read(env, 'SSO_AUDIENCE'),
    allowedExecPlugins: list(env, 'ALLOWED_EXEC_PLUGINS', (c) => (/\s/.test(c) ? 'expected command names without spaces' : null)),
    webDist: webDist ? resolve(cwd, webDist) : undefined,
    embedAllowedOrigins: list(env, 'EMBED_ALLOWED_ORIGINS', origin),
    logLevel,
    healthCheckIntervalMs: integer(env, 'HEALTH_CHECK_INTERVAL_MS', 60000, 0, 86400000),
    sessionRecheckIntervalMs: integer(env, 'SESSION_RECHECK_INTERVAL_MS', 5000, 500, 3600000),
    connectionTestTimeoutMs: integer(env, 'CONNECTION_TEST_TIMEOUT_MS', 5000, 100, 120000),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1048576, 1024, 104857600),
    auditRetentionDays: integer(env, 'AUDIT_RETENTION_DAYS', 90, 1, 3650),
    refreshTokenTtlSeconds: integer(env, 'REFRESH_TOKEN_TTL_SECONDS', 7 * 86400, 300, 365 * 86400),
    refreshTokenMaxAgeSeconds: integer(env, 'REFRESH_TOKEN_MAX_AGE_SECONDS', 30 * 86400, 300, 365 * 86400),
    ssoUsernameClaim: read(env, 'SSO_USERNAME_CLAIM') ?? 'sub',
    ssoGroupsClaim: read(env, 'SSO_GROUPS_CLAIM') ?? 'groups',
    ssoDefaultRole: read(env, 'SSO_DEFAULT_ROLE') ?? 'viewer',
    trustProxy: trustProxy(read(env, 'TRUST_PROXY')),
    replicationBroadcast: onOff(env, 'REPLICATION_BROADCAST', true),
    replicationNotify: onOff(env, 'REPLICATION_NOTIFY', true),
    reconcileIntervalMs: integer(env, 'RECONCILE_INTERVAL_MS', 30_000, 100, 86_400_000),
    internalPort: read(env, 'INTERNAL_PORT') === undefined ? undefined : integer(env, 'INTERNAL_PORT', 0, 1, 65535),
  };
}
