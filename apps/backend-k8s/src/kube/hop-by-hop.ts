// Headers that belong to one HTTP connection, not to the message: a proxy never passes them on
// (RFC 9110, section 7.6.1), in either direction.

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Is this (lower-case) header name hop-by-hop? */
export function isHopByHop(name: string): boolean {
  return hopByHop.has(name);
}

const NONE_LISTED: string[] = [];

/** The header names a Connection header value lists (hop-by-hop for this connection only), lower-cased. */
export function connectionListed(value: string | string[] | undefined): string[] {
  if (!value || value === 'keep-alive' || value === 'close') return NONE_LISTED;
  return String(value)
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}
