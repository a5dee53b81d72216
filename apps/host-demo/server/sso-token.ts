// Mints the SSO JWT the console accepts (HS256 with the shared SSO_JWT_SECRET, issuer, audience,
// short expiry). It runs on the host's server: the browser never holds the secret, it only gets
// a token for the user its own session belongs to.
import { createHmac, randomUUID } from 'node:crypto';

export interface SsoSigningSettings {
  secret: string;
  issuer: string;
  audience: string;
  /** default 300 s: the console asks the host again when its session nears expiry */
  ttlSeconds?: number;
}

export interface SsoSubject {
  username: string;
  groups: string[];
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function mintSsoToken(settings: SsoSigningSettings, subject: SsoSubject, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  const header = b64url({ alg: 'HS256', typ: 'JWT' });
  const payload = b64url({
    sub: subject.username,
    groups: subject.groups,
    iss: settings.issuer,
    aud: settings.audience,
    iat,
    exp: iat + (settings.ttlSeconds ?? 300),
    // each token names itself, so the console exchanges it once (a copied token cannot sign in again)
    jti: randomUUID(),
  });
  const signature = createHmac('sha256', settings.secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}
