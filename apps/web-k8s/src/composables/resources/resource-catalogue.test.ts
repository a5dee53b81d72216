import { describe, expect, it } from 'vitest';
import { createApiClient } from '#/api/client';
import { kubeApi } from '#/api/kube';
import { apiPath } from './resource-catalogue';

describe('apiPath', () => {
  it('builds collection and object paths', () => {
    expect(apiPath({ group: '', version: 'v1', resource: 'pods' })).toBe('/api/v1/pods');
    expect(apiPath({ group: 'apps', version: 'v1', resource: 'deployments' }, 'shop', 'web')).toBe('/apis/apps/v1/namespaces/shop/deployments/web');
  });

  it('encodes every segment, so URL parameters cannot add segments of their own', () => {
    // route params arrive decoded: "%2F" in the page URL is a "/" here
    expect(apiPath({ group: '', version: 'v1', resource: '../../../admin/users' }, 'a/b', 'c?d#e')).toBe(
      '/api/v1/namespaces/a%2Fb/..%2F..%2F..%2Fadmin%2Fusers/c%3Fd%23e',
    );
    expect(apiPath({ group: 'x/../..', version: 'v1/..', resource: 'r' })).toBe('/apis/x%2F..%2F../v1%2F../r');
  });

  it('refuses "." and ".." segments, which the browser would resolve into another API path', () => {
    expect(() => apiPath({ group: '', version: 'v1', resource: 'pods' }, 'default', '..')).toThrow(/not a valid name/);
    expect(() => apiPath({ group: '', version: 'v1', resource: '..' })).toThrow(/not a valid resource/);
    expect(() => apiPath({ group: '', version: 'v1', resource: 'pods' }, '.')).toThrow(/not a valid namespace/);
    expect(() => apiPath({ group: '..', version: 'v1', resource: 'pods' })).toThrow(/not a valid API group/);
    expect(() => apiPath({ group: '', version: '..', resource: 'pods' })).toThrow(/not a valid API version/);
    expect(() => apiPath({ group: '', version: 'v1', resource: 'pods' }, 'default', '')).toThrow(/not a valid name/);
  });

  it('kubeApi rejects such a path without sending anything', async () => {
    const sent: string[] = [];
    const client = createApiClient({
      baseUrl: '/api',
      tokens: { getAccessToken: () => 't' },
      fetch: (async (input: RequestInfo | URL) => {
        sent.push(String(input));
        return new Response('{}', { headers: { 'content-type': 'application/json' } });
      }) as typeof fetch,
    });
    const api = kubeApi(client, 'c1');
    await expect(api.get({ group: '', version: 'v1', resource: 'pods' }, 'default', '..')).rejects.toMatchObject({ code: 'INVALID_KUBERNETES_PATH' });
    await expect(api.listTable({ group: '', version: 'v1', resource: '..' })).rejects.toMatchObject({ status: 400 });
    expect(sent).toEqual([]);
    await api.get({ group: '', version: 'v1', resource: 'pods' }, 'default', 'a/b');
    expect(sent).toEqual(['/api/v1/clusters/c1/k8s/api/v1/namespaces/default/pods/a%2Fb']);
  });
});
