// Strategic merge patch (application/strategic-merge-patch+json) for built-in kinds: like a merge
// patch, except that the lists Kubernetes declares as keyed (containers by name, ports by
// containerPort...) merge item by item, and the `$patch`, `$retainKeys`, `$setElementOrder/` and
// `$deleteFromPrimitiveList/` directives that kubectl sends are honoured.
import { badRequest } from '../errors/status-error.js';
import { cloneJson, deepEqual, isPlainObject, type JsonObject } from '../store/json-values.js';

type ListStrategy = { mergeKey: string } | { primitiveMerge: true } | undefined;

const keyedByName = new Set([
  'containers', 'initContainers', 'ephemeralContainers', 'volumes', 'env', 'imagePullSecrets',
  'resourceClaims', 'schedulingGates',
]);

/** The patch strategy of the list at `path` (field names from the object's root) in `kind`. */
export function listStrategy(kind: string, path: string[]): ListStrategy {
  const field = path[path.length - 1] ?? '';
  if (keyedByName.has(field)) return { mergeKey: 'name' };
  switch (field) {
    case 'volumeMounts':
      return { mergeKey: 'mountPath' };
    case 'volumeDevices':
      return { mergeKey: 'devicePath' };
    case 'ports':
      if (kind === 'Service' && path.length === 2 && path[0] === 'spec') return { mergeKey: 'port' };
      if (path.includes('containers') || path.includes('initContainers')) return { mergeKey: 'containerPort' };
      return undefined;
    case 'hostAliases':
      return { mergeKey: 'ip' };
    case 'conditions':
      return { mergeKey: 'type' };
    case 'ownerReferences':
      return { mergeKey: 'uid' };
    case 'topologySpreadConstraints':
      return { mergeKey: 'topologyKey' };
    case 'taints':
      return { mergeKey: 'key' };
    case 'addresses':
      return path[0] === 'status' && kind === 'Node' ? { mergeKey: 'type' } : undefined;
    case 'finalizers':
      return { primitiveMerge: true };
    default:
      return undefined;
  }
}

const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

export function applyStrategicMergePatch(original: unknown, patch: unknown, kind: string): unknown {
  if (!isPlainObject(patch)) throw badRequest('strategic merge patch must be a JSON object');
  return mergeMap(isPlainObject(original) ? original : {}, patch, [], kind) ?? {};
}

function mergeMap(original: JsonObject, patch: JsonObject, path: string[], kind: string): JsonObject | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const copy = cloneJson(patch);
    delete copy.$patch;
    return stripDirectives(copy) as JsonObject;
  }
  let out: JsonObject = cloneJson(original);
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  const orders: Record<string, unknown[]> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith(SET_ORDER)) {
      orders[key.slice(SET_ORDER.length)] = value as unknown[];
      continue;
    }
    if (key.startsWith(DELETE_FROM)) {
      const field = key.slice(DELETE_FROM.length);
      const drop = (value as unknown[]) ?? [];
      const cur = out[field];
      if (Array.isArray(cur)) out[field] = cur.filter((v) => !drop.some((d) => deepEqual(d, v)));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const childPath = [...path, key];
    if (Array.isArray(value)) {
      out[key] = mergeList(Array.isArray(out[key]) ? (out[key] as unknown[]) : [], value, childPath, kind);
    } else if (isPlainObject(value)) {
      const merged = mergeMap(isPlainObject(out[key]) ? (out[key] as JsonObject) : {}, value, childPath, kind);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else out[key] = value;
  }
  for (const [field, order] of Object.entries(orders)) {
    const list = out[field];
    if (Array.isArray(list) && Array.isArray(order)) out[field] = reorder(list, order, listStrategy(kind, [...path, field]));
  }
  return out;
}

function mergeList(original: unknown[], patch: unknown[], path: string[], kind: string): unknown[] {
  const strategy = listStrategy(kind, path);
  if (patch.some((p) => isPlainObject(p) && p.$patch === 'replace')) {
    return stripDirectives(patch.filter((p) => !(isPlainObject(p) && p.$patch === 'replace'))) as unknown[];
  }
  if (!strategy) return stripDirectives(patch) as unknown[];
  if ('primitiveMerge' in strategy) {
    const out = [...original];
    for (const v of patch) if (!out.some((o) => deepEqual(o, v))) out.push(v);
    return out;
  }
  const key = strategy.mergeKey;
  const out = cloneJson(original);
  for (const item of patch) {
    if (!isPlainObject(item)) continue;
    const index = out.findIndex((o) => isPlainObject(o) && o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = mergeMap(out[index] as JsonObject, item, path, kind);
    else out.push(stripDirectives(item));
  }
  return out.filter((v) => v !== undefined);
}

function reorder(list: unknown[], order: unknown[], strategy: ListStrategy): unknown[] {
  const keyOf = (v: unknown): unknown =>
    strategy && 'mergeKey' in strategy && isPlainObject(v) ? v[strategy.mergeKey] : v;
  const wanted = order.map(keyOf);
  const rank = (v: unknown): number => {
    const i = wanted.findIndex((w) => deepEqual(w, keyOf(v)));
    return i < 0 ? wanted.length : i;
  };
  return list.map((v, i) => ({ v, i, r: rank(v) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.v);
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isPlainObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue;
    if (v !== null) out[k] = stripDirectives(v);
  }
  return out;
}
