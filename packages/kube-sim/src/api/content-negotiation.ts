// What representation a client asked for in its Accept header, in the client's order of preference.

export type Representation =
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'table'; version: 'v1' | 'v1beta1' }
  | { kind: 'partial-metadata'; version: 'v1' | 'v1beta1' }
  | { kind: 'aggregated-discovery'; version: 'v2beta1' };

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [{ type: '*/*', params: {} }];
  return header.split(',').map((part) => {
    const [type = '', ...rest] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });
}

/** The first representation in the Accept list that kube-sim can produce for this kind of request. */
export function negotiate(header: string | undefined, offers: { table?: boolean; discovery?: boolean }): Representation | undefined {
  for (const m of parseAccept(header)) {
    const json = m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*';
    if (m.type === 'application/yaml' && !m.params.as) return { kind: 'yaml' };
    if (!json) continue;
    const as = m.params.as;
    if (!as) return { kind: 'json' };
    if (as === 'Table' && m.params.g === 'meta.k8s.io' && (m.params.v === 'v1' || m.params.v === 'v1beta1') && offers.table) {
      return { kind: 'table', version: m.params.v };
    }
    if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && m.params.g === 'meta.k8s.io' && (m.params.v === 'v1' || m.params.v === 'v1beta1') && offers.table) {
      return { kind: 'partial-metadata', version: m.params.v };
    }
    // a v1.28 apiserver serves aggregated discovery as v2beta1 only (v2 arrived in 1.30): a client
    // that offers v2 first falls through to v2beta1 or plain discovery, as it would there
    if (as === 'APIGroupDiscoveryList' && m.params.g === 'apidiscovery.k8s.io' && m.params.v === 'v2beta1' && offers.discovery) {
      return { kind: 'aggregated-discovery', version: m.params.v };
    }
  }
  return undefined;
}
