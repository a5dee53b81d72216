// Where the console finds its API is decided at run time, not build time: the same build is
// served by the backend (same-origin /api), behind nginx (/k8s-api) or inside a host app.
// The deployment drops a `config.json` ({ "apiBase": "..." }) next to index.html to say which.

export interface RuntimeConfig {
  /** Absolute path or URL of the console API root, without trailing slash, e.g. "/api" or "/k8s-api". */
  apiBase: string;
}

/** Build-time default (VITE_API_BASE, e.g. /k8s-api for the nginx image), else same-origin /api. */
export const DEFAULT_API_BASE: string = import.meta.env?.VITE_API_BASE || '/api';

/** Accepts only what it understands, so a malformed config.json cannot break the app. */
export function parseRuntimeConfig(value: unknown): RuntimeConfig {
  const apiBase =
    value && typeof value === 'object' && typeof (value as { apiBase?: unknown }).apiBase === 'string'
      ? (value as { apiBase: string }).apiBase.trim()
      : '';
  return { apiBase: trimTrailingSlash(apiBase || DEFAULT_API_BASE) };
}

/**
 * Fetches `config.json` relative to the app's base path. A missing or invalid file (a 404, or
 * the SPA fallback answering with index.html) means "use the defaults".
 */
export async function loadRuntimeConfig(basePath: string, fetchImpl: typeof fetch = fetch): Promise<RuntimeConfig> {
  const url = `${basePath.endsWith('/') ? basePath : `${basePath}/`}config.json`;
  try {
    const res = await fetchImpl(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok) return parseRuntimeConfig(null);
    return parseRuntimeConfig(await res.json());
  } catch {
    return parseRuntimeConfig(null);
  }
}

function trimTrailingSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
