import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './app-config.js';
import { resolveSecrets } from './secrets.js';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const c = parseConfig({}, '/srv');
    expect(c).toMatchObject({ port: 3000, host: '0.0.0.0', dataDir: '/srv/data', broadcastTimeoutMs: 5000, logLevel: 'info', podPort: 3000 });
    expect(c.databaseUrl).toBeUndefined();
    expect(c).toMatchObject({ replicationBroadcast: true, replicationNotify: true, reconcileIntervalMs: 30_000 });
    expect(c.internalPort).toBeUndefined();
  });

  it('parses the replica sync tunables', () => {
    expect(parseConfig({ REPLICATION_BROADCAST: 'off', REPLICATION_NOTIFY: 'False', RECONCILE_INTERVAL_MS: '500', INTERNAL_PORT: '3001' })).toMatchObject({
      replicationBroadcast: false,
      replicationNotify: false,
      reconcileIntervalMs: 500,
      internalPort: 3001,
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT: expected an integer from 0 to 65535, got "abc"'],
    [{ PORT: '70000' }, 'PORT: expected an integer'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL: expected a postgres://'],
    [{ KUBECONFIG_ENCRYPTION_KEYS: 'k1:short' }, 'KUBECONFIG_ENCRYPTION_KEYS: key "k1" must be 32 bytes'],
    [{ KUBECONFIG_ENCRYPTION_KEYS: `k1:${KEY},k1:${KEY}` }, 'appears twice'],
    [{ KUBECONFIG_ENCRYPTION_KEYS: KEY }, 'KUBECONFIG_ENCRYPTION_KEYS: expected "id:base64key'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET: expected at least 32 characters'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected one of'],
    [{ INSTANCE_ADDRESSES: 'a:1,b' }, 'INSTANCE_ADDRESSES: expected a comma-separated list of host:port, got "b"'],
    [{ EMBED_ALLOWED_ORIGINS: 'https://ok.example,not a url' }, 'EMBED_ALLOWED_ORIGINS'],
    [{ EMBED_ALLOWED_ORIGINS: 'https://portal.example.com/' }, 'EMBED_ALLOWED_ORIGINS'],
    [{ BROADCAST_TIMEOUT_MS: '-1' }, 'BROADCAST_TIMEOUT_MS'],
    [{ ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD: expected at least 8 characters'],
    [{ SSO_JWT_PUBLIC_KEY: 'abc' }, 'SSO_JWT_PUBLIC_KEY: expected a PEM'],
    [{ REPLICATION_BROADCAST: 'sometimes' }, 'REPLICATION_BROADCAST: expected on or off, got "sometimes"'],
    [{ REPLICATION_NOTIFY: 'yes please' }, 'REPLICATION_NOTIFY: expected on or off'],
    [{ RECONCILE_INTERVAL_MS: '10' }, 'RECONCILE_INTERVAL_MS: expected an integer from 100 to 86400000, got "10"'],
    [{ INTERNAL_PORT: '0' }, 'INTERNAL_PORT: expected an integer from 1 to 65535'],
    [{ TRUST_PROXY: 'nginx' }, 'TRUST_PROXY: expected true, a hop count'],
  ])('refuses %j with one line naming the variable', (env, expected) => {
    let error: unknown;
    try {
      parseConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(expected);
    expect((error as Error).message).not.toContain('\n');
  });

  it('parses lists and the key ring (first key active)', () => {
    const c = parseConfig({
      KUBECONFIG_ENCRYPTION_KEYS: `new:${KEY}, old:${Buffer.alloc(32, 1).toString('base64')}`,
      POD_IPS: '10.0.0.1,10.0.0.2',
      INSTANCE_ADDRESSES: 'a:3000, b:3001',
      ALLOWED_EXEC_PLUGINS: 'aws,gke-gcloud-auth-plugin',
      EMBED_ALLOWED_ORIGINS: 'https://host.example:8443',
    });
    expect(c.kubeconfigKeys?.activeId).toBe('new');
    expect([...c.kubeconfigKeys!.keys.keys()]).toEqual(['new', 'old']);
    expect(c.podIps).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(c.instanceAddresses).toEqual(['a:3000', 'b:3001']);
    expect(c.allowedExecPlugins).toEqual(['aws', 'gke-gcloud-auth-plugin']);
  });
});

describe('resolveSecrets', () => {
  it('generates missing secrets once into DATA_DIR with mode 0600 in development, and reuses them', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kc-config-'));
    const first = resolveSecrets(parseConfig({ DATA_DIR: dataDir }));
    const file = join(dataDir, 'secrets.json');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.warnings.join('\n')).toMatch(/JWT_SECRET is not set: generated/);
    const second = resolveSecrets(parseConfig({ DATA_DIR: dataDir }));
    expect(second.config.jwtSecret).toBe(first.config.jwtSecret);
    expect(second.config.internalSecret).toBe(first.config.internalSecret);
    expect(second.config.kubeconfigKeys.keys.get('dev1')).toEqual(first.config.kubeconfigKeys.keys.get('dev1'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('KUBECONFIG_ENCRYPTION_KEYS');
  });

  it('stops with the missing variable named when NODE_ENV=production', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kc-config-'));
    expect(() => resolveSecrets(parseConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40) }))).toThrow(
      /^KUBECONFIG_ENCRYPTION_KEYS: required when NODE_ENV=production/,
    );
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
  });
});
