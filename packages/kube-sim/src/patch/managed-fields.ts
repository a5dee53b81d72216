// Field ownership for server-side apply, in the apiserver's FieldsV1 vocabulary: a field is a path
// of `f:<name>`, `k:{"<mergeKey>":<value>}` (an item of a keyed list) and `v:<json>` (a member of a
// set-like list). Kept simple: atomic lists and scalars are leaves, keyed-list items are owned whole.
import { cloneJson, deepEqual, isPlainObject, type JsonObject } from '../store/json-values.js';
import type { K8sObject, ManagedFieldsEntry } from '../store/k8s-object.js';
import { listStrategy } from './strategic-merge-patch.js';

export type FieldPath = string[];
const SEP = '\u0001';
export const pathKey = (p: FieldPath): string => p.join(SEP);
export const keyPath = (k: string): FieldPath => k.split(SEP);

/** Server-set metadata that nobody owns. */
const systemMetadata = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink']);

/** The set of leaf fields an object (an applied configuration, or a whole object) sets. */
export function fieldSet(obj: K8sObject, kind: string): Set<string> {
  const out = new Set<string>();
  const walk = (value: unknown, path: FieldPath, names: string[]): void => {
    if (isPlainObject(value)) {
      const keys = Object.keys(value).filter((k) => value[k] !== undefined);
      if (keys.length === 0 && path.length > 0) out.add(pathKey(path));
      for (const k of keys) {
        if (path.length === 0 && (k === 'apiVersion' || k === 'kind')) continue;
        if (path.length === 1 && path[0] === 'f:metadata' && systemMetadata.has(k)) continue;
        walk(value[k], [...path, `f:${k}`], [...names, k]);
      }
      return;
    }
    if (Array.isArray(value)) {
      const strategy = listStrategy(kind, names);
      if (strategy && 'mergeKey' in strategy) {
        for (const item of value) {
          if (!isPlainObject(item)) continue;
          const itemPath = [...path, `k:${JSON.stringify({ [strategy.mergeKey]: item[strategy.mergeKey] })}`];
          out.add(pathKey([...itemPath, '.']));
          walk(item, itemPath, names);
        }
        return;
      }
      if (strategy && 'primitiveMerge' in strategy) {
        for (const item of value) out.add(pathKey([...path, `v:${JSON.stringify(item)}`]));
        return;
      }
    }
    out.add(pathKey(path));
  };
  walk(obj, [], []);
  return out;
}

export function toFieldsV1(set: Set<string>): JsonObject {
  const root: JsonObject = {};
  for (const key of [...set].sort()) {
    let cur = root;
    for (const part of keyPath(key)) {
      cur[part] ??= {};
      cur = cur[part] as JsonObject;
    }
  }
  return root;
}

export function fromFieldsV1(fields: JsonObject | undefined): Set<string> {
  const out = new Set<string>();
  const walk = (node: JsonObject, path: FieldPath): void => {
    const keys = Object.keys(node);
    if (keys.length === 0 && path.length > 0) out.add(pathKey(path));
    for (const k of keys) walk((node[k] as JsonObject) ?? {}, [...path, k]);
  };
  if (fields) walk(fields, []);
  return out;
}

/** The value at a field path, or undefined when absent. */
export function valueAt(obj: unknown, path: FieldPath): unknown {
  let cur: unknown = obj;
  for (const part of path) {
    if (part === '.') return cur;
    if (part.startsWith('f:')) cur = isPlainObject(cur) ? cur[part.slice(2)] : undefined;
    else if (part.startsWith('k:')) {
      const key = JSON.parse(part.slice(2)) as JsonObject;
      cur = Array.isArray(cur) ? cur.find((i) => isPlainObject(i) && Object.entries(key).every(([k, v]) => i[k] === v)) : undefined;
    } else if (part.startsWith('v:')) {
      const v = JSON.parse(part.slice(2)) as unknown;
      cur = Array.isArray(cur) && cur.some((i) => deepEqual(i, v)) ? v : undefined;
    } else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Removes the field at `path` from `obj` in place (the object must be a private copy). */
export function removeAt(obj: unknown, path: FieldPath): void {
  const last = path[path.length - 1] === '.' ? path.length - 2 : path.length - 1;
  const parent = valueAt(obj, path.slice(0, last));
  const part = path[last] ?? '';
  if (part.startsWith('f:') && isPlainObject(parent)) delete parent[part.slice(2)];
  else if (Array.isArray(parent)) {
    const target = valueAt(parent, [part]);
    const i = parent.findIndex((x) => x === target || deepEqual(x, target));
    if (i >= 0 && target !== undefined) parent.splice(i, 1);
  }
}

/** Readable `.spec.replicas`-style name of a field path, as conflict messages print it. */
export function describePath(key: string): string {
  return keyPath(key)
    .filter((p) => p !== '.')
    .map((p) => (p.startsWith('f:') ? `.${p.slice(2)}` : `[${p.slice(2)}]`))
    .join('');
}

export function managerSets(obj: K8sObject): { entry: ManagedFieldsEntry; set: Set<string> }[] {
  return (obj.metadata?.managedFields ?? []).map((entry) => ({ entry, set: fromFieldsV1(entry.fieldsV1) }));
}

/** Records `manager` as the owner of `owned` (and only owner of `taken`) on `obj` (a private copy). */
export function recordOwnership(
  obj: K8sObject,
  manager: string,
  operation: 'Apply' | 'Update',
  owned: Set<string>,
  taken: Set<string>,
  apiVersion: string,
  subresource?: string,
): void {
  const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const entries: ManagedFieldsEntry[] = [];
  let mine: Set<string> = new Set(owned);
  for (const { entry, set } of managerSets(obj)) {
    // fields that no longer exist have no owner
    for (const k of set) if (valueAt(obj, keyPath(k)) === undefined) set.delete(k);
    if (entry.manager === manager && entry.operation === operation && (entry.subresource ?? '') === (subresource ?? '')) {
      if (operation === 'Update') mine = new Set([...set, ...owned]);
      continue;
    }
    for (const k of taken) set.delete(k);
    if (set.size > 0) entries.push({ ...cloneJson(entry), fieldsV1: toFieldsV1(set) });
  }
  if (mine.size > 0 || operation === 'Apply') {
    const entry: ManagedFieldsEntry = { manager, operation, apiVersion, time, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(mine) };
    if (subresource) entry.subresource = subresource;
    entries.push(entry);
  }
  obj.metadata ??= {};
  if (entries.length > 0) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}

/** Leaf fields whose value differs between two versions of an object (for Update ownership). */
export function changedFields(before: K8sObject | undefined, after: K8sObject, kind: string): Set<string> {
  const afterSet = fieldSet(after, kind);
  if (!before) return afterSet;
  const changed = new Set<string>();
  for (const k of afterSet) if (!deepEqual(valueAt(before, keyPath(k)), valueAt(after, keyPath(k)))) changed.add(k);
  return changed;
}
