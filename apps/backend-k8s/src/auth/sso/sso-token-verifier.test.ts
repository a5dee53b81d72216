import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { SsoTokenVerifier, type SsoSettings } from './sso-token-verifier.js';

const secret = 'host-app-shared-secret-0123456789abcdef';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsaPublicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ecPublicPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const base: SsoSettings = { issuer: 'https://host.example', audience: 'k8s-console', usernameClaim: 'sub', groupsClaim: 'groups' };
const claims = { sub: 'dana', groups: ['ops', 'dev'] };
const opts = { issuer: base.issuer, audience: base.audience, expiresIn: 300 } as const;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function handMade(header: object, payload: object, sign: (input: string) => string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign(input)}`;
}
const now = () => Math.floor(Date.now() / 1000);

describe('SSO token verification', () => {
  it('accepts HS256 with the secret and maps user name and groups', () => {
    const v = new SsoTokenVerifier({ ...base, secret });
    expect(v.verify(jwt.sign(claims, secret, { ...opts, algorithm: 'HS256' }))).toMatchObject({ username: 'dana', groups: ['ops', 'dev'], subject: 'dana', tokenId: undefined });
  });

  it('accepts RS256 and ES256 with the public key, pinned by key type', () => {
    const r = new SsoTokenVerifier({ ...base, publicKeyPem: rsaPublicPem });
    expect(r.algorithms).toEqual(['RS256']);
    expect(r.verify(jwt.sign(claims, rsa.privateKey, { ...opts, algorithm: 'RS256' })).username).toBe('dana');
    expect(() => r.verify(jwt.sign(claims, rsa.privateKey, { ...opts, algorithm: 'RS512' }))).toThrow(/RS512.*accepts RS256/);
    const e = new SsoTokenVerifier({ ...base, publicKeyPem: ecPublicPem });
    expect(e.algorithms).toEqual(['ES256']);
    expect(e.verify(jwt.sign(claims, ec.privateKey, { ...opts, algorithm: 'ES256' })).username).toBe('dana');
  });

  it('refuses alg none', () => {
    const v = new SsoTokenVerifier({ ...base, secret, publicKeyPem: rsaPublicPem });
    const unsigned = handMade({ alg: 'none', typ: 'JWT' }, { ...claims, iss: base.issuer, aud: base.audience, exp: now() + 300 }, () => '');
    expect(() => v.verify(unsigned)).toThrow(/"none"/);
    const noneUpper = handMade({ alg: 'None', typ: 'JWT' }, { ...claims, iss: base.issuer, aud: base.audience, exp: now() + 300 }, () => '');
    expect(() => v.verify(noneUpper)).toThrow(/refused|accepts/);
  });

  it('refuses an HMAC made with the public key as its secret (HS/RS confusion)', () => {
    const forged = handMade({ alg: 'HS256', typ: 'JWT' }, { ...claims, iss: base.issuer, aud: base.audience, exp: now() + 300 }, (input) =>
      createHmac('sha256', rsaPublicPem).update(input).digest('base64url'),
    );
    // only a public key configured: HS256 is not an algorithm this console accepts at all
    expect(() => new SsoTokenVerifier({ ...base, publicKeyPem: rsaPublicPem }).verify(forged)).toThrow(/accepts RS256/);
    // a secret configured as well: HS256 is checked against the secret, never the public key
    expect(() => new SsoTokenVerifier({ ...base, secret, publicKeyPem: rsaPublicPem }).verify(forged)).toThrow(/invalid signature/);
  });

  it('refuses expired, not-yet-valid, wrong audience, wrong issuer and exp-less tokens', () => {
    const v = new SsoTokenVerifier({ ...base, secret });
    const sign = (payload: object, o: jwt.SignOptions) => jwt.sign(payload, secret, { algorithm: 'HS256', ...o });
    expect(() => v.verify(sign({ ...claims, exp: now() - 120 }, { issuer: base.issuer, audience: base.audience }))).toThrow(/jwt expired/);
    expect(() => v.verify(sign(claims, { ...opts, notBefore: 600 }))).toThrow(/not active/);
    expect(() => v.verify(sign(claims, { ...opts, audience: 'someone-else' }))).toThrow(/audience invalid/);
    expect(() => v.verify(sign(claims, { ...opts, issuer: 'https://evil.example' }))).toThrow(/issuer invalid/);
    expect(() => v.verify(sign(claims, { issuer: base.issuer, audience: base.audience }))).toThrow(/no expiry/);
    expect(() => v.verify(jwt.sign(claims, 'another-secret-of-sufficient-length!!', { ...opts, algorithm: 'HS256' }))).toThrow(/invalid signature/);
    expect(() => v.verify('not.a.jwt')).toThrow(/not a JWT/);
  });

  it('reads configurable, nested claims and refuses unusable user names', () => {
    const v = new SsoTokenVerifier({ ...base, secret, usernameClaim: 'preferred_username', groupsClaim: 'realm_access.roles' });
    const token = jwt.sign({ sub: '1234', preferred_username: 'erin@host', realm_access: { roles: 'a, b,,a' } }, secret, { ...opts, algorithm: 'HS256' });
    expect(v.verify(token)).toMatchObject({ username: 'erin@host', groups: ['a', 'b'], subject: '1234' });
    const bad = jwt.sign({ preferred_username: 'no spaces allowed' }, secret, { ...opts, algorithm: 'HS256' });
    expect(() => v.verify(bad)).toThrow(/preferred_username claim/);
  });

  it('refuses to start without issuer, audience or a usable key', () => {
    expect(() => new SsoTokenVerifier({ ...base, issuer: '', secret })).toThrow(/SSO_ISSUER/);
    expect(() => new SsoTokenVerifier({ ...base, audience: '', secret })).toThrow(/SSO_AUDIENCE/);
    expect(() => new SsoTokenVerifier({ ...base, secret: 'short' })).toThrow(/32 characters/);
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => new SsoTokenVerifier({ ...base, publicKeyPem: weak })).toThrow(/2048/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => new SsoTokenVerifier({ ...base, publicKeyPem: p384 })).toThrow(/P-256/);
  });

  it('reads jti and exp for one-time use, and refuses a jti that is not a short string', () => {
    const v = new SsoTokenVerifier({ secret: 's'.repeat(32), issuer: 'host', audience: 'console', usernameClaim: 'sub', groupsClaim: 'groups' });
    const sign = (claims: object) => jwt.sign(claims, 's'.repeat(32), { algorithm: 'HS256', issuer: 'host', audience: 'console', expiresIn: 60 });
    const identity = v.verify(sign({ sub: 'ann', jti: 'abc' }));
    expect(identity.tokenId).toBe('abc');
    expect(Math.abs(identity.expiresAt.getTime() - (Date.now() + 60_000))).toBeLessThan(5000);
    expect(() => v.verify(sign({ sub: 'ann', jti: 42 }))).toThrow(/jti claim must be a string/);
    expect(() => v.verify(sign({ sub: 'ann', jti: 'x'.repeat(257) }))).toThrow(/jti claim must be a string/);
  });
});
