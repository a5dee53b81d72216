// RFC 6902 JSON patch (application/json-patch+json), applied to a private copy.
import { badRequest, StatusError } from '../errors/status-error.js';
import { cloneJson, deepEqual, isPlainObject } from '../store/json-values.js';

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

const parsePointer = (pointer: string): string[] => {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
};

const unprocessable = (message: string): StatusError => new StatusError(422, 'Invalid', message);

function parentOf(doc: unknown, tokens: string[], op: string): { parent: unknown; key: string } {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isPlainObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw unprocessable(`the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "/${tokens.join('/')}": missing value`);
  }
  return { parent: cur, key: tokens[tokens.length - 1] ?? '' };
}

function getAt(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const t of parsePointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isPlainObject(cur)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

function remove(doc: unknown, path: string): unknown {
  const tokens = parsePointer(path);
  const { parent, key } = parentOf(doc, tokens, 'remove');
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw unprocessable(`remove operation does not apply: doc is missing path: "${path}"`);
    return parent.splice(i, 1)[0];
  }
  if (isPlainObject(parent) && key in parent) {
    const v = parent[key];
    delete parent[key];
    return v;
  }
  throw unprocessable(`the server rejected our request due to an error in our request: remove operation does not apply: doc is missing path: "${path}": missing value`);
}

function add(doc: unknown, path: string, value: unknown, replace: boolean): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, replace ? 'replace' : 'add');
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length || (replace && i >= parent.length)) {
      throw unprocessable(`${replace ? 'replace' : 'add'} operation does not apply: index out of range at "${path}"`);
    }
    parent.splice(i, replace ? 1 : 0, value);
  } else if (isPlainObject(parent)) {
    if (replace && !(key in parent)) {
      throw unprocessable(`the server rejected our request due to an error in our request: replace operation does not apply: doc is missing key: ${path}: missing value`);
    }
    parent[key] = value;
  } else throw unprocessable(`${replace ? 'replace' : 'add'} operation does not apply: doc is missing path: "${path}"`);
  return doc;
}

export function applyJsonPatch<T>(target: T, patch: unknown): T {
  if (!Array.isArray(patch)) throw badRequest('json patch must be a JSON array of operations');
  let doc: unknown = cloneJson(target);
  for (const raw of patch as Operation[]) {
    if (!isPlainObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest('invalid json patch operation: each needs "op" and "path"');
    }
    switch (raw.op) {
      case 'add':
        doc = add(doc, raw.path, cloneJson(raw.value), false);
        break;
      case 'replace':
        doc = add(doc, raw.path, cloneJson(raw.value), true);
        break;
      case 'remove':
        remove(doc, raw.path);
        break;
      case 'move': {
        const v = remove(doc, raw.from ?? '');
        doc = add(doc, raw.path, v, false);
        break;
      }
      case 'copy': {
        const value = getAt(doc, raw.from ?? '');
        if (value === undefined) throw unprocessable(`the server rejected our request due to an error in our request: copy operation does not apply: doc is missing from path: "${raw.from ?? ''}": missing value`);
        doc = add(doc, raw.path, cloneJson(value), false);
        break;
      }
      case 'test':
        if (!deepEqual(getAt(doc, raw.path), raw.value)) throw unprocessable(`the server rejected our request due to an error in our request: testing value ${raw.path} failed: test failed`);
        break;
      default:
        throw badRequest(`Unexpected kind: ${raw.op}`);
    }
  }
  return doc as T;
}
