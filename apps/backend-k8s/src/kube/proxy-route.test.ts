// Which headers cross the proxy, in each direction.
import { describe, expect, it } from 'vitest';
import { forwardedResponseHeaders, withOwnHeaders } from './forward-to-cluster.js';
import { forwardedRequestHeaders, splitProxiedUrl } from './proxy-route.js';

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
      origin: 'https://portal.example',
    });
    expect(out).toEqual({
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
      'content-type': 'application/merge-patch+json',
      'user-agent': 'kubectl/v1.28',
      'x-request-id': 'r-1',
    });
  });

  it('passes the apiserver answer through without cookies or hop-by-hop headers', () => {
    // undici's raw list: names as the apiserver spelled them, values as bytes
    const raw = ['Content-Type', 'application/json', 'Content-Length', '120', 'Audit-Id', 'a-1', 'Set-Cookie', 'x=1', 'Keep-Alive', 'timeout=5', 'Connection', 'close, X-Hop', 'X-Hop', 'h', 'Vary', 'Accept']
      .map((s) => Buffer.from(s, 'latin1'));
    const { headers, contentLength } = forwardedResponseHeaders(raw);
    expect({ ...headers }).toEqual({ vary: 'Accept', 'content-type': 'application/json', 'content-length': '120', 'audit-id': 'a-1' });
    expect(contentLength).toBe(120);
  });

  it("puts the console's own headers under the apiserver's, and names both answers' Vary", () => {
    const upstream = forwardedResponseHeaders(['Content-Type', 'application/json', 'Vary', 'Accept-Encoding', 'X-Console', 'apiserver'].map((s) => Buffer.from(s))).headers;
    expect({ ...withOwnHeaders({ vary: 'Origin', 'x-console': '1', 'access-control-allow-origin': 'https://host.example' }, upstream) }).toEqual({
      vary: 'Origin, Accept-Encoding',
      'x-console': 'apiserver',
      'access-control-allow-origin': 'https://host.example',
      'content-type': 'application/json',
    });
    expect({ ...withOwnHeaders({ vary: 'Origin' }, {}) }).toEqual({ vary: 'Origin' });
  });

  it("never passes on an apiserver's CORS headers: only the console says which origins may read it", () => {
    // an apiserver run with --cors-allowed-origins='.*' answers any Origin, with credentials
    const raw = [
      'Content-Type', 'application/json',
      'Access-Control-Allow-Origin', 'https://evil.example',
      'Access-Control-Allow-Credentials', 'true',
      'Access-Control-Allow-Headers', 'Authorization',
      'Access-Control-Expose-Headers', 'Date',
    ].map((s) => Buffer.from(s, 'latin1'));
    const upstream = forwardedResponseHeaders(raw).headers;
    expect({ ...upstream }).toEqual({ 'content-type': 'application/json' });
    // a listed host keeps the console's own answer
    expect({ ...withOwnHeaders({ vary: 'Origin', 'access-control-allow-origin': 'https://host.example' }, upstream) }).toEqual({
      vary: 'Origin',
      'access-control-allow-origin': 'https://host.example',
      'content-type': 'application/json',
    });
  });

  it('drops the names listed by every Connection header, not only the last', () => {
    const raw = ['Connection', 'X-First', 'X-First', '1', 'Connection', 'X-Second', 'X-Second', '2', 'X-Kept', '3'].map((s) => Buffer.from(s, 'latin1'));
    expect({ ...forwardedResponseHeaders(raw).headers }).toEqual({ 'x-kept': '3' });
  });

  it('keeps repeated headers, bytes beyond ASCII and a header named __proto__ as they came', () => {
    const raw = ['Warning', '299 - "a"', 'Warning', '299 - "b"', 'Warning', '299 - "c"', 'X-Name', 'caf\u00e9', '__proto__', 'p'].map((s) => Buffer.from(s, 'latin1'));
    const { headers, contentLength } = forwardedResponseHeaders(raw);
    expect(headers.warning).toEqual(['299 - "a"', '299 - "b"', '299 - "c"']);
    expect(Buffer.from(headers['x-name'] as string, 'latin1')).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    expect(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value).toBe('p');
    expect(Number.isNaN(contentLength)).toBe(true);
  });

  it('splits the apiserver path and query out of the console URL, still encoded', () => {
    expect(splitProxiedUrl('/api/v1/clusters/c1/k8s/api/v1/namespaces/a%20b/pods?limit=5&watch=1')).toEqual({
      path: '/api/v1/namespaces/a%20b/pods',
      query: 'limit=5&watch=1',
    });
    expect(splitProxiedUrl('/api/v1/clusters/c1/k8s')).toEqual({ path: '/', query: '' });
  });
});
