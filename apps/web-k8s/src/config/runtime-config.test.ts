import { describe, expect, it } from 'vitest';
import { loadRuntimeConfig, parseRuntimeConfig } from './runtime-config';

describe('runtime config', () => {
  it('reads apiBase from config.json next to index.html', async () => {
    const urls: string[] = [];
    const fetchImpl = (async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify({ apiBase: '/k8s-api/' }), { headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    await expect(loadRuntimeConfig('/k8s/', fetchImpl)).resolves.toEqual({ apiBase: '/k8s-api' });
    await loadRuntimeConfig('/k8s', fetchImpl);
    expect(urls).toEqual(['/k8s/config.json', '/k8s/config.json']);
  });

  it('falls back to /api when config.json is missing or is the SPA fallback page', async () => {
    const notFound = (async () => new Response('nope', { status: 404 })) as unknown as typeof fetch;
    const html = (async () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } })) as unknown as typeof fetch;
    const down = (async () => {
      throw new TypeError('offline');
    }) as unknown as typeof fetch;
    for (const f of [notFound, html, down]) await expect(loadRuntimeConfig('/', f)).resolves.toEqual({ apiBase: '/api' });
  });

  it('ignores values of the wrong type', () => {
    expect(parseRuntimeConfig({ apiBase: 42 })).toEqual({ apiBase: '/api' });
    expect(parseRuntimeConfig({ apiBase: 'https://console.example.com/api' })).toEqual({ apiBase: 'https://console.example.com/api' });
  });
});
