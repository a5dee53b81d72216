// The reseal command against a real data directory: rotate, re-seal, drop the old key, still readable.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { reseal } from '../src/crypto/reseal-command.js';
import { parseKeyRingSpec } from '../src/config/key-ring-spec.js';
import { buildTestApp } from './test-app.js';
import { kubeconfigFor } from './fake-apiserver.js';

describe('reseal command', () => {
  it('moves every cluster to the active key so the old one can go', async () => {
    const k1 = `k1:${randomBytes(32).toString('base64')}`;
    const k2 = `k2:${randomBytes(32).toString('base64')}`;
    const t = await buildTestApp({ kubeconfigKeys: parseKeyRingSpec(k1) });
    const dataDir = t.config.dataDir;
    for (const name of ['a', 'b', 'c']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/clusters?skipTest=true', headers: t.auth, payload: { name, kubeconfig: kubeconfigFor(`https://${name}.example:6443`) } });
      expect(res.statusCode).toBe(201);
    }
    await t.app.close();

    const env = { DATA_DIR: dataDir, JWT_SECRET: 'j'.repeat(40), INTERNAL_SECRET: 'i'.repeat(40) };
    expect(await reseal({ ...env, KUBECONFIG_ENCRYPTION_KEYS: `${k2},${k1}` })).toBe('re-sealed 3 of 3 cluster(s) with key "k2"; 0 already used it');
    expect(await reseal({ ...env, KUBECONFIG_ENCRYPTION_KEYS: `${k2},${k1}` })).toBe('re-sealed 0 of 3 cluster(s) with key "k2"; 3 already used it');

    const after = await buildTestApp({ dataDir, kubeconfigKeys: parseKeyRingSpec(k2) });
    try {
      for (const row of await after.app.clusterRegistry.store.list()) {
        expect(row.key_id).toBe('k2');
        expect((await after.app.clusterConnections.get(row.id)).credentials.server).toBe(`https://${row.name}.example:6443`);
      }
    } finally {
      await after.close();
    }
  });
});
