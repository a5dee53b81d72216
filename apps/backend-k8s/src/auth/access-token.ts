// Short-lived access tokens: JWTs signed with JWT_SECRET, HS256 pinned on both sides, issuer and
// audience checked so an SSO or another service's token signed with a shared secret is not taken.
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ApiError } from '../errors/api-error.js';

const ISSUER = 'k8s-console';
const AUDIENCE = 'k8s-console';
const VERIFIED_CACHE_ENTRIES = 10_000;

export interface AccessClaims {
  sub: string;
  username: string;
  /** when it was issued, epoch ms: the `iatms` claim (JWT's own iat has whole seconds only) */
  issuedAtMs: number;
}

export class AccessTokens {
  // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to parse it
  // as a public key on every verify, which cost more than the rest of a proxied request.
  private readonly secret: KeyObject;
  /** tokens already verified, with their claims and expiry (bounded: cleared when full) */
  private readonly verified = new Map<string, { claims: AccessClaims; expiresAtMs: number }>();

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.secret = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  issue(user: { id: string; username: string }): string {
    // iatms: a revocation (users.tokens_valid_after_ms) must tell a token issued just before it
    // from the fresh one issued right after, within the same second
    return jwt.sign({ username: user.username, iatms: Date.now() }, this.secret, {
      algorithm: 'HS256',
      expiresIn: this.ttlSeconds,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: user.id,
    });
  }

  /** Throws a 401 ApiError saying why (expired, bad signature…), never echoing the token. */
  verify(token: string): AccessClaims {
    // A token's claims never change: one already verified is taken until it expires. Whether its
    // user still exists and is enabled is still checked on every request by the caller.
    const known = this.verified.get(token);
    if (known && Date.now() < known.expiresAtMs) return known.claims;
    if (known) this.verified.delete(token);
    try {
      const claims = jwt.verify(token, this.secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
      if (
        typeof claims !== 'object' ||
        typeof claims.sub !== 'string' ||
        typeof claims.username !== 'string' ||
        typeof claims.exp !== 'number' ||
        typeof claims.iat !== 'number'
      ) {
        throw new Error('claims missing');
      }
      const result = { sub: claims.sub, username: claims.username, issuedAtMs: typeof claims.iatms === 'number' ? claims.iatms : claims.iat * 1000 };
      if (this.verified.size >= VERIFIED_CACHE_ENTRIES) this.verified.clear();
      this.verified.set(token, { claims: result, expiresAtMs: claims.exp * 1000 });
      return result;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) throw new ApiError(401, 'TOKEN_EXPIRED', 'the access token has expired; sign in again or refresh it');
      throw new ApiError(401, 'INVALID_TOKEN', 'the access token is not valid; sign in again');
    }
  }
}
