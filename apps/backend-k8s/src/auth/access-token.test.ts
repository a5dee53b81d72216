import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccessTokens } from './access-token.js';

describe('AccessTokens', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('verifies a token it issued, again and again, to the same claims', () => {
    const tokens = new AccessTokens('a-secret-of-some-length', 60);
    const before = Date.now();
    const token = tokens.issue({ id: 'u1', username: 'alice' });
    const claims = tokens.verify(token);
    expect(claims).toEqual({ sub: 'u1', username: 'alice', issuedAtMs: expect.any(Number) });
    // to the millisecond, not JWT's whole seconds: a revocation in the same second tells them apart
    expect(claims.issuedAtMs).toBeGreaterThanOrEqual(before);
    expect(claims.issuedAtMs).toBeLessThanOrEqual(Date.now());
    expect(tokens.verify(token)).toEqual(claims);
  });

  it('refuses a token once it expired, even one verified before', () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const tokens = new AccessTokens('a-secret-of-some-length', 60);
    const token = tokens.issue({ id: 'u1', username: 'alice' });
    expect(tokens.verify(token).sub).toBe('u1');
    vi.setSystemTime(new Date('2026-01-01T00:01:01Z'));
    expect(() => tokens.verify(token)).toThrow(expect.objectContaining({ code: 'TOKEN_EXPIRED' }));
  });

  it('refuses a token signed with another secret and a tampered one', () => {
    const tokens = new AccessTokens('a-secret-of-some-length', 60);
    const other = new AccessTokens('another-secret-entirely', 60).issue({ id: 'u1', username: 'alice' });
    expect(() => tokens.verify(other)).toThrow(expect.objectContaining({ code: 'INVALID_TOKEN' }));
    const good = tokens.issue({ id: 'u1', username: 'alice' });
    expect(tokens.verify(good).sub).toBe('u1');
    const [header, , signature] = good.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'admin', username: 'root', iss: 'k8s-console', aud: 'k8s-console', exp: 9_999_999_999 })).toString('base64url');
    expect(() => tokens.verify(`${header}.${forged}.${signature}`)).toThrow(expect.objectContaining({ code: 'INVALID_TOKEN' }));
  });
});
