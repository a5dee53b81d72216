// Browsers cannot set headers on a WebSocket, and tokens never travel in URLs. Like the apiserver,
// the console accepts the bearer token as a subprotocol `base64url.bearer.authorization.k8s.io.<token>`
// offered beside the real protocol, and must never echo that protocol back to the client.

export const TOKEN_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

/** The protocols a client offered, from the Sec-WebSocket-Protocol header (comma separated). */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** The bearer token carried in the offered protocols, or null when none is there or it is malformed. */
export function tokenFromProtocols(header: string | string[] | undefined): string | null {
  const carrier = offeredProtocols(header).find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
  if (!carrier) return null;
  const encoded = carrier.slice(TOKEN_PROTOCOL_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return null;
  const token = Buffer.from(encoded, 'base64url').toString('utf8');
  return token.length > 0 ? token : null;
}

/** Encodes a token as the subprotocol a client offers (for browsers and tests). */
export function tokenProtocol(token: string): string {
  return TOKEN_PROTOCOL_PREFIX + Buffer.from(token, 'utf8').toString('base64url');
}

/**
 * A `handleProtocols` for the ws server: picks the first offered protocol the endpoint speaks,
 * never the token carrier. Returns false (no protocol) when none matches.
 */
export function protocolChooser(spoken: readonly string[]) {
  return (offered: Set<string>): string | false => {
    for (const p of offered) {
      if (!p.startsWith(TOKEN_PROTOCOL_PREFIX) && spoken.includes(p)) return p;
    }
    return false;
  };
}
