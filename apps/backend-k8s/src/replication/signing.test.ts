import { describe, expect, it } from 'vitest';
import { NONCE_HEADER, RequestVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER, signRequest } from './signing.js';

const secret = 'a-shared-internal-secret-of-enough-length';
const path = '/api/v1/internal/clusters/c1/reload';
const body = JSON.stringify({ version: 3, action: 'updated' });

describe('request signing', () => {
  it('accepts a fresh request signed with the shared secret', () => {
    const headers = signRequest(secret, 'POST', path, body);
    expect(new RequestVerifier(secret).verify('POST', path, body, { ...headers })).toEqual({ ok: true });
  });

  it('refuses a request without headers', () => {
    expect(new RequestVerifier(secret).verify('POST', path, body, {})).toEqual({ ok: false, reason: 'missing' });
  });

  it('refuses a request signed with another secret', () => {
    const headers = signRequest('some-other-secret', 'POST', path, body);
    expect(new RequestVerifier(secret).verify('POST', path, body, { ...headers })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a tampered body, path, method or timestamp', () => {
    const verifier = new RequestVerifier(secret);
    const headers = { ...signRequest(secret, 'POST', path, body) };
    expect(verifier.verify('POST', path, body.replace('3', '4'), headers).ok).toBe(false);
    expect(verifier.verify('POST', path.replace('c1', 'c2'), body, headers).ok).toBe(false);
    expect(verifier.verify('DELETE', path, body, headers).ok).toBe(false);
    const shifted = { ...headers, [TIMESTAMP_HEADER]: String(Number(headers[TIMESTAMP_HEADER]) + 1) };
    expect(verifier.verify('POST', path, body, shifted)).toEqual({ ok: false, reason: 'bad-signature' });
    // none of the refusals consumed the genuine request
    expect(verifier.verify('POST', path, body, headers)).toEqual({ ok: true });
  });

  it('refuses a stale request and one from too far in the future', () => {
    let now = 1_000_000;
    const verifier = new RequestVerifier(secret, { freshnessMs: 30_000, now: () => now });
    const old = { ...signRequest(secret, 'POST', path, body, now - 30_001) };
    expect(verifier.verify('POST', path, body, old)).toEqual({ ok: false, reason: 'stale' });
    const future = { ...signRequest(secret, 'POST', path, body, now + 30_001) };
    expect(verifier.verify('POST', path, body, future)).toEqual({ ok: false, reason: 'stale' });
    const edge = { ...signRequest(secret, 'POST', path, body, now - 29_000) };
    expect(verifier.verify('POST', path, body, edge).ok).toBe(true);
    now += 500;
    expect(verifier.verify('POST', path, body, edge)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('refuses a replayed request and forgets signatures once they are stale anyway', () => {
    let now = 5_000_000;
    const verifier = new RequestVerifier(secret, { freshnessMs: 30_000, now: () => now });
    const headers = { ...signRequest(secret, 'POST', path, body, now) };
    expect(verifier.verify('POST', path, body, headers).ok).toBe(true);
    expect(verifier.verify('POST', path, body, headers)).toEqual({ ok: false, reason: 'replayed' });
    // nor when its signature is spelled otherwise (upper case, a stray character after it)
    const sig = String(headers[SIGNATURE_HEADER]);
    for (const spelled of [sig.toUpperCase().replace('V1=', 'v1='), `${sig}z`, `${sig}0`]) {
      expect(verifier.verify('POST', path, body, { ...headers, [SIGNATURE_HEADER]: spelled }).ok).toBe(false);
    }
    // two genuine requests with the same content differ by their nonce
    expect(verifier.verify('POST', path, body, { ...signRequest(secret, 'POST', path, body, now) }).ok).toBe(true);
    expect(verifier.remembered).toBe(2);
    now += 31_000;
    expect(verifier.verify('POST', path, body, { ...signRequest(secret, 'POST', path, body, now) }).ok).toBe(true);
    expect(verifier.remembered).toBe(1);
    expect(verifier.verify('POST', path, body, headers)).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses malformed headers without throwing', () => {
    const verifier = new RequestVerifier(secret);
    const good = { ...signRequest(secret, 'POST', path, body) };
    expect(verifier.verify('POST', path, body, { ...good, [SIGNATURE_HEADER]: 'sha1=abc' }).ok).toBe(false);
    expect(verifier.verify('POST', path, body, { ...good, [SIGNATURE_HEADER]: 'v1=zz' })).toEqual({ ok: false, reason: 'malformed' });
    expect(verifier.verify('POST', path, body, { ...good, [TIMESTAMP_HEADER]: 'yesterday' })).toEqual({ ok: false, reason: 'malformed' });
    expect(verifier.verify('POST', path, body, { ...good, [NONCE_HEADER]: ['a', 'b'] })).toEqual({ ok: false, reason: 'missing' });
  });
});
