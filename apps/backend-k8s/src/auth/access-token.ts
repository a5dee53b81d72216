// Short-lived access tokens: JWTs signed with JWT_SECRET, HS256 pinned on both sides, issuer and
// audience checked so an SSO or another service's token signed with a shared secret is not taken.
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ApiError } from '../errors/api-error.js';

const ISSUER = 'k8s-console';
const AUDIENCE = 'k8s-console';

export interface AccessClaims {
  sub: string;
  username: string;
}

export class AccessTokens {
  // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to parse it
  // as a public key on every verify, which cost more than the rest of a proxied request.
  private readonly secret: KeyObject;

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.secret = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  issue(user: { id: string; username: string }): string {
    return jwt.sign({ username: user.username }, this.secret, {
      algorithm: 'HS256',
      expiresIn: this.ttlSeconds,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: user.id,
    });
  }

  /** Throws a 401 ApiError saying why (expired, bad signature…), never echoing the token. */
  verify(token: string): AccessClaims {
    try {
      const claims = jwt.verify(token, this.secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
      if (typeof claims !== 'object' || typeof claims.sub !== 'string' || typeof claims.username !== 'string') {
        throw new Error('claims missing');
      }
      return { sub: claims.sub, username: claims.username };
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) throw new ApiError(401, 'TOKEN_EXPIRED', 'the access token has expired; sign in again or refresh it');
      throw new ApiError(401, 'INVALID_TOKEN', 'the access token is not valid; sign in again');
    }
  }
}
