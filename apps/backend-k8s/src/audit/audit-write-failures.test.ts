// An audit record that cannot be written does not fail the request it describes, but it is
// counted where operators alert (k8s_console_audit_write_failures_total), not only logged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';

describe('audit write failures', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('are counted in a metric while the requests they describe still succeed', async () => {
    const failures = async () => (await t.app.metricsRegistry.getSingleMetric('k8s_console_audit_write_failures_total')!.get()).values[0]?.value ?? 0;
    expect(await failures()).toBe(0);
    await t.app.db.schema.alterTable('audit_log').renameTo('audit_log_away').execute();
    try {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: t.auth, payload: { username: 'uma', password: 'a-long-enough-passw0rd', roles: [] } });
      expect(res.statusCode, res.body).toBe(201);
      await t.app.audit.flush();
      expect(await failures()).toBe(1);
    } finally {
      await t.app.db.schema.alterTable('audit_log_away').renameTo('audit_log').execute();
    }
  });
});
