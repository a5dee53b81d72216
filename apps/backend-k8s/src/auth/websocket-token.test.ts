import { describe, expect, it } from 'vitest';
import { protocolChooser, tokenFromProtocols, tokenProtocol } from './websocket-token.js';

describe('WebSocket bearer token subprotocol', () => {
  it('round-trips a token through the offered protocols', () => {
    const header = `k8s-console.watch.v1, ${tokenProtocol('abc.def.ghi')}`;
    expect(tokenFromProtocols(header)).toBe('abc.def.ghi');
  });

  it('finds no token when none or a malformed one is offered', () => {
    expect(tokenFromProtocols('k8s-console.watch.v1')).toBeNull();
    expect(tokenFromProtocols(undefined)).toBeNull();
    expect(tokenFromProtocols('base64url.bearer.authorization.k8s.io.not+base64url')).toBeNull();
  });

  it('never chooses the token carrier as the protocol', () => {
    const choose = protocolChooser(['k8s-console.watch.v1']);
    expect(choose(new Set([tokenProtocol('secret'), 'k8s-console.watch.v1']))).toBe('k8s-console.watch.v1');
    expect(choose(new Set([tokenProtocol('secret')]))).toBe(false);
  });
});
