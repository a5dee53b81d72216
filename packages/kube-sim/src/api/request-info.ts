// Parses an apiserver path the way the apiserver's RequestInfoFactory does:
// /api/v1/namespaces/{ns}/pods/{name}/{subresource}, /apis/{group}/{version}/..., /…/watch/….

export interface ResourceRequest {
  kind: 'resource';
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  /** the legacy /watch/ path prefix was used */
  watchPath: boolean;
}

export interface DiscoveryRequest {
  kind: 'discovery';
  /** '' for /api, the group name for /apis/{group} */
  group?: string;
  version?: string;
  root: 'api' | 'apis';
}

export type RequestInfo = ResourceRequest | DiscoveryRequest | { kind: 'other'; path: string };

export function parseRequestPath(pathname: string): RequestInfo {
  let parts: string[];
  try {
    parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  } catch {
    return { kind: 'other', path: pathname };
  }
  const root = parts[0];
  if (root !== 'api' && root !== 'apis') return { kind: 'other', path: pathname };
  let i = 1;
  let group = '';
  if (root === 'apis') {
    if (parts.length === 1) return { kind: 'discovery', root };
    group = parts[i++] ?? '';
    if (parts.length === 2) return { kind: 'discovery', root, group };
  }
  const version = parts[i++];
  if (!version) return { kind: 'discovery', root, group };
  if (i >= parts.length) return { kind: 'discovery', root, group, version };
  let watchPath = false;
  if (parts[i] === 'watch') {
    watchPath = true;
    i++;
  }
  let namespace: string | undefined;
  // /namespaces/{ns}/{resource}... ; /namespaces/{name} and /namespaces/{name}/status address the namespace itself
  if (parts[i] === 'namespaces' && parts.length - i >= 3 && !['status', 'finalize'].includes(parts[i + 2] ?? '')) {
    namespace = parts[i + 1];
    i += 2;
  }
  const resource = parts[i++] ?? '';
  const name = parts[i++];
  const subresource = parts.slice(i).join('/') || undefined;
  return { kind: 'resource', group, version, namespace, resource, name, subresource, watchPath };
}
