// Reading request bodies and writing JSON and Status responses.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, StatusError, type Status } from '../errors/status-error.js';
import { decodeProtobufObject } from './protobuf-body.js';

const MAX_BODY = 16 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new StatusError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** JSON, or YAML for apply patches and application/yaml bodies. */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (/protobuf/.test(contentType ?? '')) return decodeProtobufObject(raw);
  if (/cbor/.test(contentType ?? '')) {
    throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got ${contentType})`);
  }
  const text = raw.toString('utf8');
  if (text.trim() === '') throw badRequest('the request body is empty');
  const yamlBody = /yaml/.test(contentType ?? '');
  try {
    return yamlBody ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    if (yamlBody) throw badRequest(`error decoding YAML: ${(err as Error).message}`);
    // apply bodies are YAML, a superset of JSON; anything else must be JSON
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

export function sendStatus(res: ServerResponse, err: StatusError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, err.code, err.toStatus());
}

export function successStatus(details?: Status['details']): Omit<Status, 'reason' | 'message'> & { details?: Status['details'] } {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200, ...(details ? { details } : {}) };
}

// Stored objects are frozen and never change, so their serialisation can be kept beside them:
// repeated lists and the same event sent to many watchers serialise each object once.
const serialised = new WeakMap<object, string>();

export function objectJson(value: unknown): string {
  if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) return JSON.stringify(value);
  let text = serialised.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    serialised.set(value, text);
  }
  return text;
}

// A real apiserver encodes the items of a built-in kind's list without apiVersion and kind (only
// the list carries them); custom resources, watch events and single objects keep them.
const serialisedAsItem = new WeakMap<object, string>();

export function listItemJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  let text = serialisedAsItem.get(value);
  if (text === undefined) {
    text = JSON.stringify({ ...value, apiVersion: undefined, kind: undefined });
    if (Object.isFrozen(value)) serialisedAsItem.set(value, text);
  }
  return text;
}

/** Writes a large JSON list without building one huge string: items are serialised in batches. */
export async function sendList(
  res: ServerResponse, head: Record<string, unknown>, items: unknown[], contentType = 'application/json', field = 'items', serialise: (item: unknown) => string = objectJson,
): Promise<void> {
  res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' });
  const headText = JSON.stringify(head);
  res.write(`${headText.slice(0, -1)}${headText.length > 2 ? ',' : ''}${JSON.stringify(field)}:[`);
  const batch = 500;
  for (let i = 0; i < items.length; i += batch) {
    const part = items.slice(i, i + batch).map(serialise).join(',');
    const ok = res.write(i === 0 ? part : `,${part}`);
    if (!ok && !res.destroyed) await new Promise<void>((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.once('drain', done);
      res.once('close', done);
    });
    if (res.destroyed) return;
  }
  res.end(']}');
}
