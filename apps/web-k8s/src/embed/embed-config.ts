// What an embedded console reads from its config.json beyond the API base: the origins allowed
// to host it (EMBED_ALLOWED_ORIGINS, served by the backend). Relative API bases are resolved
// against where config.json was served from, so a console mounted in a host's page (qiankun)
// still calls its own backend.
import { parseRuntimeConfig } from '#/config/runtime-config';

export interface EmbedConfig {
  /** Absolute URL (or same-origin absolute path) of the API root, without trailing slash. */
  apiBase: string;
  allowedOrigins: string[];
}

export function parseEmbedConfig(value: unknown, configUrl: string): EmbedConfig {
  const { apiBase } = parseRuntimeConfig(value);
  const list = (value as { embedAllowedOrigins?: unknown } | null)?.embedAllowedOrigins;
  const allowedOrigins = Array.isArray(list) ? list.filter((o): o is string => typeof o === 'string' && isOrigin(o)) : [];
  return { apiBase: new URL(apiBase, configUrl).href.replace(/\/+$/, ''), allowedOrigins };
}

/** `configUrl` is absolute, e.g. new URL('config.json', assetsRoot). Missing or broken: defaults, no hosts. */
export async function loadEmbedConfig(configUrl: string, fetchImpl: typeof fetch = fetch): Promise<EmbedConfig> {
  let body: unknown = null;
  try {
    const res = await fetchImpl(configUrl, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (res.ok) body = await res.json();
  } catch {
    body = null;
  }
  return parseEmbedConfig(body, configUrl);
}

function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}
