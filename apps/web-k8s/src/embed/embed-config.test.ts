// What an embedded console reads from config.json, and when it counts as framed.
import { describe, expect, it } from 'vitest';
import { loadEmbedConfig, parseEmbedConfig } from './embed-config';
import { hostVisiblePath } from './embed-detection';

describe('embed config', () => {
  it('resolves the API base against where config.json is served and keeps only real origins', () => {
    expect(
      parseEmbedConfig({ apiBase: '/api', embedAllowedOrigins: ['http://localhost:5180', 'http://x.example/path', 'nonsense', 3] }, 'http://127.0.0.1:3000/config.json'),
    ).toEqual({ apiBase: 'http://127.0.0.1:3000/api', allowedOrigins: ['http://localhost:5180'] });
    expect(parseEmbedConfig({ apiBase: 'https://api.example/k8s-api/' }, 'http://127.0.0.1:3000/k8s/config.json')).toEqual({
      apiBase: 'https://api.example/k8s-api',
      allowedOrigins: [],
    });
  });

  it('falls back to the defaults and no hosts when config.json is missing', async () => {
    const config = await loadEmbedConfig('http://127.0.0.1:3000/config.json', (async () => new Response('<html>', { status: 404 })) as typeof fetch);
    expect(config).toEqual({ apiBase: 'http://127.0.0.1:3000/api', allowedOrigins: [] });
  });

  it('reports routes to the host without the embed flag', () => {
    expect(hostVisiblePath('/clusters?embed=1')).toBe('/clusters');
    expect(hostVisiblePath('/clusters/a/resources/core/v1/pods?embed=1&ns=default')).toBe('/clusters/a/resources/core/v1/pods?ns=default');
    expect(hostVisiblePath('/clusters')).toBe('/clusters');
  });
});
