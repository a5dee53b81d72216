import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './test-app.js';

describe('health and metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());

  it('is live and ready without a token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
  });

  it('is not ready when a migration is pending', async () => {
    await t.app.db.deleteFrom('kysely_migration' as never).where('name' as never, '=', '0001_initial' as never).execute();
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().reason).toContain('0001_initial');
  });

  it('exposes request durations by route pattern and status, and process metrics', async () => {
    await t.app.inject({ method: 'GET', url: '/api/v1/clusters/00000000-0000-4000-8000-000000000000', headers: t.auth });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/k8s_console_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/clusters\/:id",status_code="404"\} 1/);
    expect(res.body).toContain('k8s_console_process_resident_memory_bytes');
  });
});

describe('logger redaction', () => {
  it('redacts authorization headers, passwords, tokens and kubeconfigs logged by hand', async () => {
    const t = await buildTestApp();
    try {
      t.app.log.info({ req: { headers: { authorization: 'Bearer abc.def.ghi' } }, body: { password: 'p4ss-w0rd', kubeconfig: 'apiVersion: v1 kube-secret' }, token: 'tok-xyz' }, 'x');
      const line = t.logs.at(-1)!;
      expect(line).not.toMatch(/abc\.def\.ghi|p4ss-w0rd|kube-secret|tok-xyz/);
      expect(line).toContain('[redacted]');
    } finally {
      await t.close();
    }
  });
});
