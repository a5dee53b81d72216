// A watch response: newline-delimited JSON events, headers flushed at once, optional periodic
// BOOKMARKs, timeoutSeconds, and 410 Gone as an ERROR event for a too-old resourceVersion.
import type { ServerResponse } from 'node:http';
import { invalid, StatusError } from '../errors/status-error.js';
import { apiVersionOf } from '../resources/resource-def.js';
import type { StoreEvent } from '../store/object-store.js';
import { includeObjectOf, toTable } from '../table/table-printer.js';
import type { Representation } from './content-negotiation.js';
import { objectJson } from './http-io.js';
import { validateListOptions } from './request-options.js';
import { parseFieldSelector, parseLabelSelector } from '../store/selectors.js';
import { present, type ResourceContext } from './request-context.js';

/** Open watch responses, so faults can drop them all. */
export class WatchRegistry {
  private readonly open = new Set<{ close: (reset: boolean) => void }>();

  add(w: { close: (reset: boolean) => void }): () => void {
    this.open.add(w);
    return () => this.open.delete(w);
  }

  /** Ends every open watch: cleanly (like an apiserver timeout) or by resetting the connection. */
  dropAll(reset = false): number {
    const all = [...this.open];
    for (const w of all) w.close(reset);
    return all.length;
  }

  get size(): number {
    return this.open.size;
  }
}

export interface WatchStreamOptions {
  bookmarkIntervalMs: number;
  /** a watcher whose unsent output grows beyond this is cut off, as the apiserver drops slow watchers */
  maxBufferedBytes?: number;
}

export function serveWatch(ctx: ResourceContext, res: ServerResponse, rep: Representation, registry: WatchRegistry, opts: WatchStreamOptions): void {
  const q = ctx.query;
  let fieldSelector = q.get('fieldSelector') ?? undefined;
  if (ctx.name) fieldSelector = [fieldSelector, `metadata.name=${ctx.name}`].filter(Boolean).join(',');
  const include = rep.kind === 'table' ? includeObjectOf(q) : 'Metadata';
  // bad options and selectors are refused before the stream starts (an HTTP 400/422, not an ERROR event)
  validateListOptions(q, true);
  const rv = q.get('resourceVersion') ?? '';
  if (rv !== '' && !/^\d+$/.test(rv)) {
    // the storage versioner's ParseResourceVersion, interpreted by InterpretWatchError
    throw invalid(ctx.def.resource, ctx.def.group, '', [{
      reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`, field: 'resourceVersion',
    }]);
  }
  parseLabelSelector(q.get('labelSelector') ?? undefined);
  parseFieldSelector(fieldSelector, ctx.def);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let firstTable = true;
  const maxBuffered = opts.maxBufferedBytes ?? 64 * 1024 * 1024;
  // The initial ADDED events (or the replay after a resourceVersion) arrive synchronously while the
  // watch is set up: they are batched and exempt from the slow-watcher limit.
  let initial: string[] | undefined = [];
  const write = (type: string, object: unknown): void => {
    if (res.destroyed || res.writableEnded) return;
    const line = `{"type":${JSON.stringify(type)},"object":${objectJson(object)}}\n`;
    if (initial) {
      initial.push(line);
      return;
    }
    res.write(line);
    if (res.writableLength > maxBuffered) close(true);
  };
  const flushInitial = (): void => {
    const lines = initial ?? [];
    initial = undefined;
    for (let i = 0; i < lines.length; i += 500) res.write(lines.slice(i, i + 500).join(''));
  };
  const send = (ev: StoreEvent): void => {
    const obj = present(ctx, ev.object);
    if (rep.kind === 'table') {
      write(ev.type, toTable(ctx.def, ctx.version, [obj], { resourceVersion: obj.metadata?.resourceVersion }, include, firstTable));
      firstTable = false;
    } else if (rep.kind === 'partial-metadata') {
      write(ev.type, { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${rep.version}`, metadata: obj.metadata });
    } else write(ev.type, obj);
  };
  const timers: NodeJS.Timeout[] = [];
  let handle: { stop: () => void } | undefined;
  let unregister: () => void = () => undefined;
  const close = (reset: boolean): void => {
    handle?.stop();
    for (const t of timers) clearTimeout(t);
    unregister();
    if (reset) res.destroy();
    else if (!res.writableEnded) res.end();
  };
  res.on('close', () => close(false));
  try {
    handle = ctx.store.watch(ctx.def, {
      namespace: ctx.namespace,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector,
    }, send);
  } catch (err) {
    if (err instanceof StatusError) {
      initial = undefined;
      write('ERROR', err.toStatus());
      res.end();
      return;
    }
    throw err;
  }
  flushInitial();
  unregister = registry.add({ close });
  const bookmarks = q.get('allowWatchBookmarks') === 'true';
  if (bookmarks) {
    const tick = setInterval(() => {
      write('BOOKMARK', {
        kind: ctx.def.kind,
        apiVersion: apiVersionOf(ctx.def.group, ctx.version),
        metadata: { resourceVersion: ctx.store.resourceVersion },
      });
    }, opts.bookmarkIntervalMs);
    tick.unref();
    timers.push(tick);
  }
  const timeout = Number(q.get('timeoutSeconds') ?? '0');
  if (timeout > 0) {
    const t = setTimeout(() => close(false), timeout * 1000);
    t.unref();
    timers.push(t);
  }
}
