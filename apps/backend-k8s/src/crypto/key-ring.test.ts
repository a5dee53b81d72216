import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseKeyRingSpec } from '../config/key-ring-spec.js';
import { KeyRing, UnsealError } from './key-ring.js';

const key = () => randomBytes(32).toString('base64');
const ID = '6f1c1d1e-7d43-4c39-9d6a-2b7f0f4b7a11';

describe('KeyRing', () => {
  const k1 = key();
  const ring = new KeyRing(parseKeyRingSpec(`k1:${k1}`));

  it('round-trips and uses a fresh nonce every time', () => {
    const a = ring.seal('{"token":"abc"}', ID);
    const b = ring.seal('{"token":"abc"}', ID);
    expect(a.keyId).toBe('k1');
    expect(a.sealed).not.toBe(b.sealed);
    expect(a.sealed).not.toContain('abc');
    expect(ring.open(a, ID)).toBe('{"token":"abc"}');
  });

  it('fails clearly when one byte is flipped', () => {
    const sealed = ring.seal('secret', ID);
    const raw = Buffer.from(sealed.sealed, 'base64');
    raw[14]! ^= 0x01;
    expect(() => ring.open({ ...sealed, sealed: raw.toString('base64') }, ID)).toThrow(UnsealError);
    expect(() => ring.open({ ...sealed, sealed: raw.toString('base64') }, ID)).toThrow(/failed authentication with key "k1" \(they were altered/);
  });

  it('fails clearly when opened under another cluster id', () => {
    const sealed = ring.seal('secret', ID);
    expect(() => ring.open(sealed, 'another-id')).toThrow(/cluster another-id: the sealed credentials failed authentication/);
  });

  it('fails clearly for an unknown key id', () => {
    const sealed = ring.seal('secret', ID);
    expect(() => ring.open({ ...sealed, keyId: 'gone' }, ID)).toThrow(/sealed with key "gone", which is not in KUBECONFIG_ENCRYPTION_KEYS \(it has: k1\)/);
  });

  it('after rotation old seals still open and new seals use the new key', () => {
    const old = ring.seal('old-secret', ID);
    const rotated = new KeyRing(parseKeyRingSpec(`k2:${key()},k1:${k1}`));
    expect(rotated.open(old, ID)).toBe('old-secret');
    const fresh = rotated.seal('new-secret', ID);
    expect(fresh.keyId).toBe('k2');
    expect(() => ring.open(fresh, ID)).toThrow(/not in KUBECONFIG_ENCRYPTION_KEYS/);
  });
});
