// A cluster added survives a restart with development secrets generated into DATA_DIR: the second
// start reuses the key and the JWT secret, so the cluster is still readable and tokens still valid.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/load-config.js';
import { kubeconfigFor, GOOD_TOKEN } from './fake-apiserver.js';

describe('restart with generated development secrets', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kc-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { DATA_DIR: dataDir, ADMIN_PASSWORD: 'restart-password', HEALTH_CHECK_INTERVAL_MS: '0' };

  it('keeps clusters readable and tokens valid', async () => {
    const first = await buildApp(loadConfig(env).config, { logger: false });
    const login = await first.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'restart-password' } });
    const auth = { authorization: `Bearer ${login.json().accessToken as string}` };
    const created = await first.inject({ method: 'POST', url: '/api/v1/clusters?skipTest=true', headers: auth, payload: { name: 'kept', kubeconfig: kubeconfigFor('https://kept.example:6443') } });
    expect(created.statusCode).toBe(201);
    await first.close();

    const second = await buildApp(loadConfig(env).config, { logger: false });
    try {
      const list = await second.inject({ method: 'GET', url: '/api/v1/clusters', headers: auth });
      expect(list.json().items.map((c: { name: string }) => c.name)).toEqual(['kept']);
      const conn = await second.clusterConnections.get(created.json().id as string);
      expect(conn.credentials).toEqual({ server: 'https://kept.example:6443', token: GOOD_TOKEN });
    } finally {
      await second.close();
    }
  });
});
