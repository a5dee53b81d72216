// Lists the contexts of a pasted kubeconfig in the browser, only to offer a context picker and a
// name suggestion. Validation that matters happens on the server; credentials are never read here.
import { parse } from 'yaml';

export interface KubeconfigContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  server: string | null;
}

export type KubeconfigSummary =
  | { ok: true; currentContext: string | null; contexts: KubeconfigContext[] }
  | { ok: false; message: string; line?: number };

interface NamedEntry<K extends string, V> {
  name?: unknown;
  [key: string]: unknown;
  value?: Record<K, V>;
}

export function summariseKubeconfig(text: string): KubeconfigSummary {
  let doc: unknown;
  try {
    doc = parse(text); // JSON is YAML, so this reads both
  } catch (err) {
    const e = err as Error & { linePos?: Array<{ line: number }> };
    const line = e.linePos?.[0]?.line;
    return { ok: false, message: e.message.split('\n')[0] ?? 'Invalid YAML', ...(line ? { line } : {}) };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    return { ok: false, message: 'not a kubeconfig: expected a mapping with clusters, users and contexts' };
  }
  const cfg = doc as Record<string, unknown>;
  const clusters = namedList<'server', string>(cfg.clusters, 'cluster');
  const contexts = namedList<'cluster' | 'user' | 'namespace', string>(cfg.contexts, 'context');
  const servers = new Map(clusters.map((c) => [c.name, typeof c.value?.server === 'string' ? c.value.server : null]));
  const list: KubeconfigContext[] = contexts.map((c) => {
    const cluster = String(c.value?.cluster ?? '');
    const namespace = c.value?.namespace;
    return {
      name: c.name,
      cluster,
      user: String(c.value?.user ?? ''),
      ...(typeof namespace === 'string' && namespace ? { namespace } : {}),
      server: servers.get(cluster) ?? null,
    };
  });
  if (list.length === 0) return { ok: false, message: 'the kubeconfig has no contexts' };
  const current = typeof cfg['current-context'] === 'string' ? (cfg['current-context'] as string) : null;
  return { ok: true, currentContext: current && list.some((c) => c.name === current) ? current : null, contexts: list };
}

function namedList<K extends string, V>(value: unknown, inner: string): Array<{ name: string; value?: Record<K, V> }> {
  if (!Array.isArray(value)) return [];
  return value
    .filter((e): e is NamedEntry<K, V> => !!e && typeof e === 'object' && typeof (e as NamedEntry<K, V>).name === 'string')
    .map((e) => ({ name: e.name as string, value: e[inner] as Record<K, V> | undefined }));
}

/** Turns a context or cluster name into a valid console cluster name (DNS label). */
export function suggestClusterName(source: string): string {
  const name = source
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
  return name || 'cluster';
}
