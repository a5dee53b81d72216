// Which headers cross the proxy, in each direction.
import { describe, expect, it } from 'vitest';
import { forwardedRequestHeaders, forwardedResponseHeaders, splitProxiedUrl } from './proxy-route.js';

describe('forwarded headers', () => {
  it('keeps what the apiserver needs and drops credentials, identity claims and hop-by-hop headers', () => {
    const out = forwardedRequestHeaders({
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
      'content-type': 'application/merge-patch+json',
      'user-agent': 'kubectl/v1.28',
      host: 'console.example',
      authorization: 'Bearer console-token',
      cookie: 'a=b',
      'impersonate-user': 'admin',
      'impersonate-group': 'system:masters',
      'x-remote-user': 'admin',
      'x-forwarded-for': '10.0.0.1',
      forwarded: 'for=10.0.0.1',
      'sec-websocket-protocol': 'base64url.bearer.authorization.k8s.io.abc',
      expect: '100-continue',
      'transfer-encoding': 'chunked',
      connection: 'keep-alive, X-Hop',
      'x-hop': 'only for this connection',
      'x-request-id': 'r-1',
    });
    expect(out).toEqual({
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
      'content-type': 'application/merge-patch+json',
      'user-agent': 'kubectl/v1.28',
      'x-request-id': 'r-1',
    });
  });

  it('passes the apiserver answer through without cookies or hop-by-hop headers, after the console headers', () => {
    const out = forwardedResponseHeaders(
      { 'content-type': 'application/json', 'content-length': '120', 'audit-id': 'a-1', 'set-cookie': ['x=1'], 'keep-alive': 'timeout=5', connection: 'close' },
      { vary: 'Origin' },
    );
    expect(out).toEqual({ vary: 'Origin', 'content-type': 'application/json', 'content-length': '120', 'audit-id': 'a-1' });
  });

  it('splits the apiserver path and query out of the console URL, still encoded', () => {
    expect(splitProxiedUrl('/api/v1/clusters/c1/k8s/api/v1/namespaces/a%20b/pods?limit=5&watch=1')).toEqual({
      path: '/api/v1/namespaces/a%20b/pods',
      query: 'limit=5&watch=1',
    });
    expect(splitProxiedUrl('/api/v1/clusters/c1/k8s')).toEqual({ path: '/', query: '' });
  });
});
