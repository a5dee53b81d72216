// Turns a proxied apiserver request (method, path, query) into the attributes RBAC decides on,
// the same way k8s.io/apiserver's RequestInfoFactory does, so a console rule means what the
// equivalent Kubernetes rule would. Paths that a server could normalise into something else
// (dot segments, encoded slashes, double slashes, backslashes) are refused before any decision.

export interface ResourceRequestInfo {
  isResourceRequest: true;
  /** get list watch create update patch delete deletecollection, or proxy */
  verb: string;
  apiPrefix: 'api' | 'apis';
  /** '' for the core group */
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** the path segments from the resource on, decoded (resource/name/subresource/...) */
  parts: string[];
}

export interface NonResourceRequestInfo {
  isResourceRequest: false;
  /** the lower-cased HTTP method, as the apiserver uses for non-resource URLs */
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

export class RequestPathError extends Error {
  readonly statusCode = 400;
  readonly code = 'INVALID_KUBERNETES_PATH';
}

const specialVerbs = new Set(['proxy', 'watch']);
const specialVerbsNoSubresources = new Set(['proxy']);
const namespaceSubresources = new Set(['status', 'finalize']);
const methodVerbs: Record<string, string> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/**
 * Splits a raw (still percent-encoded) path into decoded segments, refusing anything that would
 * not reach the apiserver as the same path the authorizer saw.
 */
export function splitSafePath(rawPath: string): string[] {
  if (!rawPath.startsWith('/')) throw new RequestPathError(`path must start with "/": ${JSON.stringify(rawPath)}`);
  if (rawPath.includes('\\')) throw new RequestPathError('path must not contain a backslash');
  if (/%(2f|5c|2e|00)/i.test(rawPath)) {
    throw new RequestPathError('path must not contain encoded "/", "\\", "." or NUL characters');
  }
  const trimmed = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(1, -1) : rawPath.slice(1);
  if (trimmed === '') return [];
  const segments = trimmed.split('/');
  for (let i = 0; i < segments.length; i++) segments[i] = decodeSegment(segments[i]!);
  return segments;
}

/**
 * A value (a name, namespace, resource, group or version) as one apiserver path segment,
 * percent-encoded. Refuses what a path would resolve away: "" and the dot segments "." and "..",
 * which encodeURIComponent leaves as they are (Kubernetes' IsValidPathSegmentName refuses them too).
 * Every path the console builds from a request's values goes through here.
 */
export function pathSegment(value: string): string {
  if (value === '' || value === '.' || value === '..') throw new RequestPathError(`${JSON.stringify(value)} cannot be a name, namespace or resource in an apiserver path`);
  return encodeURIComponent(value);
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const controlCharacter = /[\u0000-\u001f\u007f]/;

function decodeSegment(segment: string): string {
  if (segment === '') throw new RequestPathError('path must not contain empty segments ("//")');
  if (segment === '.' || segment === '..') throw new RequestPathError('path must not contain "." or ".." segments');
  let decoded = segment;
  if (segment.includes('%')) {
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new RequestPathError(`path segment is not valid percent-encoding: ${JSON.stringify(segment)}`);
    }
    // After decoding, a "%" can only come from "%25"; no Kubernetes name may contain it.
    if (decoded.includes('%')) throw new RequestPathError('path segment must not contain "%"');
  }
  if (controlCharacter.test(decoded)) throw new RequestPathError('path must not contain control characters');
  return decoded;
}

function isTrue(value: string | null): boolean {
  return value !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value);
}

/** metadata.name=x or metadata.name==x as the whole field selector names a single object */
function exactNameFromFieldSelector(selector: string | null): string | undefined {
  if (!selector) return undefined;
  for (const term of selector.split(',')) {
    const m = /^\s*metadata\.name\s*(==|=)\s*(.*?)\s*$/.exec(term);
    if (m && m[2] && !m[2].includes('/') && !m[2].includes('%') && m[2] !== '.' && m[2] !== '..') return m[2];
  }
  return undefined;
}

function nonResourceInfo(upperMethod: string, segments: string[]): NonResourceRequestInfo {
  return { isResourceRequest: false, verb: upperMethod.toLowerCase(), path: `/${segments.join('/')}` };
}

/**
 * Refuses a query string the apiserver would read differently from URLSearchParams. Go's
 * url.ParseQuery drops every pair holding a ";" or a malformed %-escape and keeps the rest, so
 * `watch=0;&watch=1` is a watch to the apiserver and a list here, and
 * `fieldSelector=metadata.name%3Dmine,x;` lists every object there and only `mine` here.
 * No client needs either (a ";" in a value is sent as %3B).
 */
export function checkQuery(query: string): void {
  if (query.includes(';')) throw new RequestPathError('query must not contain ";" (the apiserver would drop that parameter); send it as %3B');
  if (query.includes('%') && /%(?![0-9a-fA-F]{2})/.test(query)) {
    throw new RequestPathError('query is not valid percent-encoding (the apiserver would drop that parameter)');
  }
}

/** `query`: the raw query string (without "?"), checked with checkQuery, or its parameters already parsed. */
export function parseRequestInfo(method: string, rawPath: string, query: string | URLSearchParams): RequestInfo {
  if (typeof query === 'string') checkQuery(query);
  const upperMethod = method.toUpperCase();
  const segments = splitSafePath(rawPath);
  let parts = segments;

  if (parts.length < 3) return nonResourceInfo(upperMethod, segments);
  const apiPrefix = parts[0];
  if (apiPrefix !== 'api' && apiPrefix !== 'apis') return nonResourceInfo(upperMethod, segments);
  parts = parts.slice(1);
  let apiGroup = '';
  if (apiPrefix === 'apis') {
    if (parts.length < 3) return nonResourceInfo(upperMethod, segments);
    apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  const apiVersion = parts[0]!;
  parts = parts.slice(1);

  let verb: string;
  if (specialVerbs.has(parts[0]!)) {
    if (parts.length < 2) throw new RequestPathError(`unable to determine the resource from ${rawPath}`);
    verb = parts[0]!;
    parts = parts.slice(1);
  } else {
    verb = methodVerbs[upperMethod] ?? '';
    if (!verb) throw new RequestPathError(`method ${upperMethod} is not supported on resource paths`);
  }

  let namespace: string | undefined;
  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      namespace = parts[1];
      // /namespaces/{ns}/{resource}/... unless it is a subresource of the namespace itself
      if (parts.length > 2 && !namespaceSubresources.has(parts[2]!)) parts = parts.slice(2);
    }
  }

  let resource = '';
  let name: string | undefined;
  let subresource: string | undefined;
  if (parts.length >= 3 && !specialVerbsNoSubresources.has(verb)) subresource = parts[2];
  if (parts.length >= 2) name = parts[1];
  if (parts.length >= 1) resource = parts[0]!;

  if (!name && verb === 'get') {
    // parsed only here, for collections: most requests (a get by name) never need it
    const params = typeof query === 'string' ? new URLSearchParams(query) : query;
    verb = isTrue(params.get('watch')) ? 'watch' : 'list';
    name = exactNameFromFieldSelector(params.get('fieldSelector'));
  }
  if (!name && verb === 'delete') verb = 'deletecollection';

  const info: ResourceRequestInfo = { isResourceRequest: true, verb, apiPrefix, apiGroup, apiVersion, resource, parts };
  if (subresource !== undefined) info.subresource = subresource;
  if (namespace !== undefined) info.namespace = namespace;
  if (name !== undefined) info.name = name;
  return info;
}
