// Bad input everywhere gets DESIGN's error shape with a fitting 4xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './test-app.js';

describe('error responses', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ bodyLimitBytes: 4096 });
  });
  afterAll(() => t.close());

  const post = (payload: string, url = '/api/v1/clusters') =>
    t.app.inject({ method: 'POST', url, headers: { ...t.auth, 'content-type': 'application/json' }, payload });

  it('malformed JSON is a 400', async () => {
    const res = await post('{"name": ');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('MALFORMED_JSON');
  });

  it('a missing field is a 400 naming it', async () => {
    const res = await post(JSON.stringify({ name: 'x' }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'body: kubeconfig is required', field: 'kubeconfig' } });
  });

  it('an extra field is a 400 naming it', async () => {
    const res = await post(JSON.stringify({ username: 'a', password: 'b', remember: true }), '/api/v1/auth/login');
    expect(res.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'body: remember is not an accepted field', field: 'remember' } });
  });

  it('a wrong type is a 400 naming the field', async () => {
    const res = await post(JSON.stringify({ name: 'x', kubeconfig: 42 }));
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'kubeconfig' });
  });

  it('a bad query parameter is a 400', async () => {
    const res = await post(JSON.stringify({ name: 'x', kubeconfig: 'y' }), '/api/v1/clusters?skipTest=maybe');
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'skipTest' });
  });

  it('a body over the limit is a 413', async () => {
    const res = await post(JSON.stringify({ name: 'x', kubeconfig: 'a'.repeat(5000) }));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('an unknown route is a 404 in the same shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: t.auth });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
    expect((await t.app.inject({ method: 'GET', url: '/nope' })).json().error.code).toBe('NOT_FOUND');
  });

  it('an unsupported content type is a 415', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/clusters', headers: { ...t.auth, 'content-type': 'text/xml' }, payload: '<a/>' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});
