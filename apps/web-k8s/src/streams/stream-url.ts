// Building stream URLs and opening authenticated WebSockets. The token never goes in a URL: it
// rides as the `base64url.bearer.authorization.k8s.io.<token>` subprotocol, which the backend
// reads before the upgrade and never echoes back.

const TOKEN_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

export interface PodRef {
  /** API root without trailing slash, e.g. "/api" or "/k8s-api" (runtime config apiBase) */
  apiBase: string;
  cluster: string;
  namespace: string;
  pod: string;
}

export type QueryValue = string | number | boolean | string[] | undefined | null | false;

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function tokenProtocol(token: string): string {
  return TOKEN_PROTOCOL_PREFIX + base64url(token);
}

export function podPath(ref: PodRef, suffix: string): string {
  const e = encodeURIComponent;
  return `${ref.apiBase}/v1/clusters/${e(ref.cluster)}/namespaces/${e(ref.namespace)}/pods/${e(ref.pod)}/${suffix}`;
}

export function namespacePath(ref: Omit<PodRef, 'pod'>, suffix: string): string {
  const e = encodeURIComponent;
  return `${ref.apiBase}/v1/clusters/${e(ref.cluster)}/namespaces/${e(ref.namespace)}/${suffix}`;
}

export function withQuery(path: string, query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === false || value === '') continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** ws:// or wss:// for a path relative to the page (or an absolute http(s) URL). */
export function toWebSocketUrl(pathOrUrl: string, base: string = globalThis.location?.href ?? 'http://localhost/'): string {
  const url = new URL(pathOrUrl, base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export async function openStreamSocket(url: string, protocol: string, getToken: () => string | null | Promise<string | null>): Promise<WebSocket> {
  const token = await getToken();
  const protocols = token ? [protocol, tokenProtocol(token)] : [protocol];
  const socket = new WebSocket(toWebSocketUrl(url), protocols);
  socket.binaryType = 'arraybuffer';
  return socket;
}
