// Builds a real app for a test: SQLite in a fresh temp dir (or the PostgreSQL URL given), fresh
// keys and secrets, health checks off, every log line captured so tests can grep them for secrets.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import type { AppConfig } from '../src/config/app-config.js';
import { parseKeyRingSpec } from '../src/config/key-ring-spec.js';
import { loggerOptions } from '../src/observability/logger-options.js';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    production: false,
    host: '127.0.0.1',
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'kc-backend-')),
    kubeconfigKeys: parseKeyRingSpec(`k1:${randomBytes(32).toString('base64')}`),
    jwtSecret: randomBytes(32).toString('hex'),
    jwtTtlSeconds: 900,
    adminUsername: 'admin',
    adminPassword: ADMIN_PASSWORD,
    internalSecret: randomBytes(32).toString('hex'),
    podIps: [],
    podPort: 3000,
    instanceAddresses: [],
    broadcastTimeoutMs: 5000,
    allowedExecPlugins: [],
    embedAllowedOrigins: [],
    logLevel: 'info',
    healthCheckIntervalMs: 0,
    sessionRecheckIntervalMs: 5000,
    connectionTestTimeoutMs: 2000,
    bodyLimitBytes: 1024 * 1024,
    ...overrides,
  };
}

export interface TestApp {
  app: FastifyInstance;
  config: AppConfig;
  /** every log line written so far */
  logs: string[];
  /** a valid admin bearer header */
  auth: { authorization: string };
  close(): Promise<void>;
}

export async function buildTestApp(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const config = testConfig(overrides);
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const app = await buildApp(config, { logger: { ...loggerOptions('debug'), stream } });
  await app.ready();
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: ADMIN_PASSWORD } });
  const token = (res.json() as { accessToken: string }).accessToken;
  return {
    app,
    config,
    logs,
    auth: { authorization: `Bearer ${token}` },
    async close() {
      await app.close();
      if (!config.databaseUrl) rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
