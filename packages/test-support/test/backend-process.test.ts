import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendProcess, freePorts } from '../src/index.js';

describe('BackendProcess', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'test-support-backend-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('gives distinct free ports', async () => {
    const ports = await freePorts(3);
    expect(new Set(ports).size).toBe(3);
    for (const p of ports) expect(p).toBeGreaterThan(0);
  });

  it('starts the bundled backend ready on SQLite and stops it gracefully', { timeout: 120_000 }, async () => {
    const [port] = await freePorts(1);
    const backend = new BackendProcess(port!, { DATA_DIR: join(dataDir, 'ok'), LOG_LEVEL: 'info', HEALTH_CHECK_INTERVAL_MS: '0' }, { name: 'bundled' });
    await backend.start();
    expect(backend.running).toBe(true);
    expect((await fetch(`${backend.url}/health/live`)).status).toBe(200);
    expect(await backend.stop(), backend.log).toBe(0);
    expect(backend.running).toBe(false);
  });

  it('fails start() with the log when the backend refuses its configuration', { timeout: 120_000 }, async () => {
    const [port] = await freePorts(1);
    const backend = new BackendProcess(port!, { DATA_DIR: join(dataDir, 'bad'), REPLICATION_BROADCAST: 'sometimes' });
    await expect(backend.start()).rejects.toThrow(/exited with 1:\n[^]*configuration error: REPLICATION_BROADCAST: expected on or off/);
  });
});
