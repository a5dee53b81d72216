// The embedding hosts' access: CORS for the listed origins only (assets, config.json, the API and
// its preflights), nothing for others, and the frame headers with and without a list.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';

const HOST = 'http://localhost:5173';

function webDist(): string {
  const dist = mkdtempSync(join(tmpdir(), 'kc-embed-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="app"></div>');
  writeFileSync(join(dist, 'assets', 'qiankun-abc123.js'), 'export const x = 1;');
  return dist;
}

describe('embedding hosts listed in EMBED_ALLOWED_ORIGINS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ webDist: webDist(), embedAllowedOrigins: [HOST] });
  });
  afterAll(() => t.close());

  it('lets a listed origin read the page, assets and config.json', async () => {
    for (const url of ['/', '/assets/qiankun-abc123.js', '/config.json']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { origin: HOST } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['access-control-allow-origin'], url).toBe(HOST);
      expect(res.headers['access-control-allow-credentials'], url).toBeUndefined();
      expect(String(res.headers.vary), url).toContain('Origin');
    }
    const config = await t.app.inject({ method: 'GET', url: '/config.json' });
    expect(config.json()).toEqual({ apiBase: '/api', embedAllowedOrigins: [HOST] });
  });

  it('answers a listed origin\'s API preflight and lets it send a bearer token', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/auth/sso',
      headers: { origin: HOST, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(HOST);
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(res.headers['access-control-allow-methods']).toMatch(/POST/);

    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { origin: HOST } });
    expect(me.statusCode).toBe(401);
    expect(me.headers['access-control-allow-origin']).toBe(HOST);
  });

  it('gives any other origin no CORS headers and no preflight', async () => {
    const evil = 'http://evil.example';
    const page = await t.app.inject({ method: 'GET', url: '/assets/qiankun-abc123.js', headers: { origin: evil } });
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/me',
      headers: { origin: evil, 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.statusCode).not.toBe(204);
  });

  it('lets the listed origin frame the console and nobody else', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/clusters', headers: { accept: 'text/html' } });
    expect(res.headers['content-security-policy']).toContain(`frame-ancestors 'self' ${HOST}`);
    expect(res.headers['x-frame-options']).toBeUndefined();
  });
});

describe('no embedding host listed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ webDist: webDist(), embedAllowedOrigins: [] });
  });
  afterAll(() => t.close());

  it('allows framing by the console itself only, with the legacy header too', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/', headers: { origin: HOST } });
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'self'$/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
