// Verifies a JWT issued by the host application. Each configured key admits exactly its own
// algorithm (secret → HS256, RSA key → RS256, P-256 key → ES256), chosen from the key and never
// from the token, so `alg: none` and HS/RS confusion (an HMAC made with the public key as secret)
// cannot pass. Issuer, audience and expiry are required; a token without `exp` is refused.
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export interface SsoSettings {
  secret?: string;
  publicKeyPem?: string;
  issuer: string;
  audience: string;
  /** claim holding the user name; dotted paths reach nested claims (default 'sub') */
  usernameClaim: string;
  /** claim holding the groups: an array of strings or a comma-separated string (default 'groups') */
  groupsClaim: string;
  /** clock skew tolerated on exp/nbf/iat, seconds */
  clockToleranceSeconds?: number;
}

export interface SsoIdentity {
  username: string;
  groups: string[];
  /** the token's `sub`, for the audit log */
  subject: string | undefined;
  /** the token's `jti`: a token that names itself is exchanged once */
  tokenId: string | undefined;
  /** the token's expiry */
  expiresAt: Date;
}

export class SsoTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SsoTokenError';
  }
}

type Algorithm = 'HS256' | 'RS256' | 'ES256';

interface VerificationKey {
  algorithm: Algorithm;
  key: KeyObject;
}

export const SSO_USERNAME_PATTERN = /^[A-Za-z0-9._@-]{1,128}$/;
// Printable group names only (no control characters), 1-128 long.
const GROUP_PATTERN = /^[^\p{Cc}]{1,128}$/u;

/** The one algorithm a public key admits. */
export function algorithmForPublicKey(key: KeyObject): Algorithm {
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new Error(`SSO_JWT_PUBLIC_KEY: an RSA key needs at least 2048 bits, this one has ${bits}`);
    return 'RS256';
  }
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error('SSO_JWT_PUBLIC_KEY: expected an RSA (RS256) or P-256 EC (ES256) public key');
}

function claimAt(payload: Record<string, unknown>, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export class SsoTokenVerifier {
  private readonly keys: VerificationKey[] = [];

  constructor(private readonly settings: SsoSettings) {
    if (settings.secret) {
      if (settings.secret.length < 32) throw new Error('SSO_JWT_SECRET: expected at least 32 characters');
      this.keys.push({ algorithm: 'HS256', key: createSecretKey(Buffer.from(settings.secret, 'utf8')) });
    }
    if (settings.publicKeyPem) {
      const key = createPublicKey(settings.publicKeyPem);
      this.keys.push({ algorithm: algorithmForPublicKey(key), key });
    }
    if (this.keys.length === 0) throw new Error('SSO needs SSO_JWT_SECRET or SSO_JWT_PUBLIC_KEY');
    if (!settings.issuer) throw new Error('SSO_ISSUER is required when SSO is configured');
    if (!settings.audience) throw new Error('SSO_AUDIENCE is required when SSO is configured');
  }

  /** How far past its expiry a token is still accepted. */
  get clockToleranceMs(): number {
    return (this.settings.clockToleranceSeconds ?? 30) * 1000;
  }

  /** The algorithms this console accepts from the host application. */
  get algorithms(): Algorithm[] {
    return this.keys.map((k) => k.algorithm);
  }

  verify(token: string): SsoIdentity {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw new SsoTokenError('the sign-on token is not a JWT');
    const alg = decoded.header.alg;
    const key = this.keys.find((k) => k.algorithm === alg);
    if (!key) {
      throw new SsoTokenError(`the sign-on token is signed with ${JSON.stringify(alg)}; this console accepts ${this.algorithms.join(', ')}`);
    }
    let payload: jwt.JwtPayload;
    try {
      const verified = jwt.verify(token, key.key, {
        algorithms: [key.algorithm],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: this.clockToleranceMs / 1000,
      });
      if (typeof verified === 'string') throw new SsoTokenError('the sign-on token has no JSON claims');
      payload = verified;
    } catch (err) {
      if (err instanceof SsoTokenError) throw err;
      throw new SsoTokenError(`the sign-on token was refused: ${(err as Error).message}`);
    }
    if (typeof payload.exp !== 'number') throw new SsoTokenError('the sign-on token has no expiry (exp)');

    const username = claimAt(payload, this.settings.usernameClaim);
    if (typeof username !== 'string' || !SSO_USERNAME_PATTERN.test(username)) {
      throw new SsoTokenError(
        `the sign-on token's ${this.settings.usernameClaim} claim must be a user name of 1-128 letters, digits and . _ @ -`,
      );
    }
    const rawGroups = claimAt(payload, this.settings.groupsClaim);
    const groupList = typeof rawGroups === 'string' ? rawGroups.split(',') : Array.isArray(rawGroups) ? rawGroups : [];
    const groups = [
      ...new Set(groupList.filter((g): g is string => typeof g === 'string').map((g) => g.trim()).filter((g) => GROUP_PATTERN.test(g))),
    ].slice(0, 64);
    const jti = payload.jti;
    if (jti !== undefined && (typeof jti !== 'string' || jti.length === 0 || jti.length > 256)) {
      throw new SsoTokenError("the sign-on token's jti claim must be a string of 1-256 characters");
    }
    return {
      username,
      groups,
      subject: typeof payload.sub === 'string' ? payload.sub : undefined,
      tokenId: jti,
      expiresAt: new Date(payload.exp * 1000),
    };
  }
}
