// One list+watch against a cluster for one (cluster, resource, namespace, selectors, mode) key,
// however many browsers subscribe. It keeps a compact cache current: paged list, then watch from
// the list's resourceVersion; bookmarks advance it; a dropped stream resumes from the last one; a
// 410 Gone relists and tells subscribers the difference; other errors back off and retry.
import type { KubeObject, WatchColumn, WatchEventType, WatchMode } from '@k8s-console/contracts';
import { KubeApiError, parseStatus, type KubeAccess, type KubeStatus } from '../kube-access.js';
import { readBody, UpstreamError, type UpstreamResponse } from '../upstream-request.js';
import {
  columnsOf,
  compactObject,
  compactTableRow,
  fallbackColumns,
  fallbackRow,
  objectKey,
  type CompactEntry,
  type KubeTable,
} from './compact-entry.js';
import { pathSegment } from '../request-info.js';

export interface WatchTarget {
  cluster: string;
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  mode: WatchMode;
}

export interface UpstreamListener {
  /** the cache holds a complete list (first time, and never again: relists arrive as events) */
  synced(): void;
  event(type: WatchEventType, json: string): void;
  /** fatal: the upstream stopped for good (forbidden, unknown resource); otherwise it retries */
  error(code: string, message: string, fatal: boolean): void;
  /** first list only: one more page arrived (so a big list shows its first rows at once) */
  page?(jsons: string[]): void;
  /** first list only: an attempt failed after pages were sent; the pages start over */
  restart?(): void;
}

export interface UpstreamWatchOptions {
  pageSize?: number;
  /** first retry delay; doubles up to maxBackoffMs */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** server-side timeout of each watch request, randomised up to twice this; default 300 s */
  watchTimeoutSeconds?: number;
}

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

class GoneError extends Error {}

export function watchTargetKey(t: WatchTarget): string {
  return JSON.stringify([t.cluster, t.group, t.version, t.resource, t.namespace ?? '', t.labelSelector ?? '', t.fieldSelector ?? '', t.mode]);
}

function resourcePath(t: WatchTarget): string {
  const base = t.group ? `/apis/${pathSegment(t.group)}/${pathSegment(t.version)}` : `/api/${pathSegment(t.version)}`;
  const ns = t.namespace ? `/namespaces/${pathSegment(t.namespace)}` : '';
  return `${base}${ns}/${pathSegment(t.resource)}`;
}

/** Statuses that retrying will not fix: the subscription ends with them. */
function isPermanent(code: number): boolean {
  return code === 400 || code === 401 || code === 403 || code === 404 || code === 405 || code === 422;
}

export class UpstreamWatch {
  readonly key: string;
  private readonly cache = new Map<string, CompactEntry>();
  private readonly listeners = new Set<UpstreamListener>();
  private resourceVersion: string | undefined;
  private syncedOnce = false;
  private stopped = false;
  /** set by reconnect(): the aborted stream is not an error, resume at once */
  private reconnecting = false;
  private abort: AbortController | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;
  private wakeSleep: (() => void) | undefined;
  private columnDefs: WatchColumn[] | undefined;
  private tableSupported = true;
  /** the first list while it is being paged in, so late subscribers get what came so far */
  private listing: Map<string, CompactEntry> | undefined;
  private pagesStreamed = false;
  /** how many list+watch connections were opened; for tests and metrics */
  listCount = 0;
  watchCount = 0;

  constructor(
    private readonly kube: KubeAccess,
    readonly target: WatchTarget,
    private readonly options: UpstreamWatchOptions = {},
  ) {
    this.key = watchTargetKey(target);
  }

  get synced(): boolean {
    return this.syncedOnce;
  }

  get size(): number {
    return this.cache.size;
  }

  get lastResourceVersion(): string | undefined {
    return this.resourceVersion;
  }

  get columns(): WatchColumn[] | undefined {
    return this.target.mode === 'rows' ? (this.columnDefs ?? fallbackColumns) : undefined;
  }

  /** Before the first sync: the pages listed so far (what `page` listeners were sent). */
  partialSnapshot(): string[] {
    return this.listing ? Array.from(this.listing.values(), (e) => e.json) : [];
  }

  /** The cached JSON strings, in no particular order; a copy, so later events do not change it. */
  snapshot(): string[] {
    const out = new Array<string>(this.cache.size);
    let i = 0;
    for (const entry of this.cache.values()) out[i++] = entry.json;
    return out;
  }

  addListener(listener: UpstreamListener): void {
    this.listeners.add(listener);
  }

  removeListener(listener: UpstreamListener): void {
    this.listeners.delete(listener);
  }

  start(): void {
    void this.run();
  }

  /** Drops the current connection and resumes from the last resourceVersion (new credentials). */
  reconnect(): void {
    if (this.stopped) return;
    if (this.wakeSleep) {
      // between attempts: nothing to abort, the next attempt starts now. Marking it reconnecting
      // would excuse that attempt's failure from its backoff.
      clearTimeout(this.sleepTimer);
      this.wakeSleep();
      return;
    }
    this.reconnecting = true;
    this.abort?.abort();
  }

  /** Ends the watch for good, telling every subscriber why. */
  fail(code: string, message: string): void {
    if (this.stopped) return;
    this.emitError(code, message, true);
    this.stop();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.wakeSleep?.();
    this.cache.clear();
  }

  private emit(type: WatchEventType, json: string): void {
    for (const l of this.listeners) l.event(type, json);
  }

  private emitError(code: string, message: string, fatal: boolean): void {
    for (const l of [...this.listeners]) l.error(code, message, fatal);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.wakeSleep = undefined;
        resolve();
      };
      this.wakeSleep = wake;
      this.sleepTimer = setTimeout(wake, ms);
    });
  }

  private async run(): Promise<void> {
    const minBackoff = this.options.minBackoffMs ?? 250;
    const maxBackoff = this.options.maxBackoffMs ?? 30_000;
    let backoff = minBackoff;
    while (!this.stopped) {
      const started = Date.now();
      try {
        if (this.resourceVersion === undefined) await this.relist();
        await this.watchOnce();
        if (this.reconnecting) {
          this.reconnecting = false;
          continue;
        }
        // The server closed the stream (its timeout, or a dropped connection): resume from the
        // last resourceVersion; pause first if streams keep ending at once.
        if (Date.now() - started < 1000) {
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, maxBackoff);
        } else backoff = minBackoff;
      } catch (err) {
        if (this.stopped) return;
        if (this.reconnecting) {
          this.reconnecting = false;
          continue;
        }
        if (err instanceof GoneError) {
          this.resourceVersion = undefined;
          // a watch that is gone again right after its relist would relist in a tight loop
          if (Date.now() - started < 1000) {
            await this.sleep(backoff);
            backoff = Math.min(backoff * 2, maxBackoff);
          }
          continue;
        }
        if (err instanceof KubeApiError && isPermanent(err.statusCode)) {
          this.emitError(err.reason ?? `HTTP_${err.statusCode}`, `the cluster refused the watch: ${err.message}`, true);
          this.stopped = true;
          return;
        }
        const apiError = err as { statusCode?: unknown; code?: unknown; message: string };
        if (!(err instanceof KubeApiError) && typeof apiError.statusCode === 'number' && isPermanent(apiError.statusCode)) {
          // e.g. the console's own 404 for a cluster that was removed
          this.emitError(String(apiError.code ?? 'WATCH_FAILED'), apiError.message, true);
          this.stopped = true;
          return;
        }
        if (err instanceof UpstreamError) this.emitError(err.code, err.message, false);
        else if (err instanceof KubeApiError) this.emitError(err.reason ?? `HTTP_${err.statusCode}`, err.message, false);
        else this.emitError('WATCH_FAILED', `watch of ${this.target.resource} failed: ${(err as Error).message}`, false);
        // Jitter spreads the retries of many watches on one cluster.
        await this.sleep(backoff + Math.floor(Math.random() * backoff * 0.2));
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    }
  }

  private query(extra: Record<string, string>): string {
    const q = new URLSearchParams();
    if (this.target.labelSelector) q.set('labelSelector', this.target.labelSelector);
    if (this.target.fieldSelector) q.set('fieldSelector', this.target.fieldSelector);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return q.toString();
  }

  private async open(query: string): Promise<UpstreamResponse> {
    this.abort = new AbortController();
    const res = await this.kube.request(this.target.cluster, {
      method: 'GET',
      path: `${resourcePath(this.target)}?${query}`,
      headers: { accept: this.target.mode === 'rows' && this.tableSupported ? TABLE_ACCEPT : 'application/json' },
      signal: this.abort.signal,
    });
    const status = res.statusCode;
    if (status === 410) {
      res.body.resume();
      throw new GoneError();
    }
    if (status < 200 || status > 299) {
      const text = (await readBody(res)).toString('utf8');
      throw new KubeApiError(status, parseStatus(text, status));
    }
    return res;
  }

  private decode(object: unknown): { key: string; entry: CompactEntry }[] {
    const o = object as KubeObject & KubeTable;
    if (this.target.mode === 'objects') return [{ key: objectKey(o.metadata), entry: compactObject(o) }];
    if (o.kind === 'Table') {
      if (!this.columnDefs && o.columnDefinitions?.length) this.columnDefs = columnsOf(o);
      return (o.rows ?? []).map(compactTableRow);
    }
    return [fallbackRow(o)];
  }

  private async relist(): Promise<void> {
    this.listCount++;
    const fresh = new Map<string, CompactEntry>();
    if (!this.syncedOnce) {
      this.listing = fresh;
      if (this.pagesStreamed) for (const l of [...this.listeners]) l.restart?.();
      this.pagesStreamed = false;
    }
    type Page = { kind?: string; items?: KubeObject[]; rows?: unknown[]; metadata?: { resourceVersion?: string; continue?: string } };
    const fetchPage = async (continueToken: string | undefined): Promise<Page> => {
      const extra: Record<string, string> = { limit: String(this.options.pageSize ?? 500) };
      if (continueToken) extra.continue = continueToken;
      const res = await this.open(this.query(extra));
      return JSON.parse((await readBody(res)).toString('utf8')) as Page;
    };
    let listRv = '';
    let next: Promise<Page> | undefined = fetchPage(undefined);
    while (next) {
      const page: Page = await next;
      // Ask for the next page before processing this one: the apiserver works while we do.
      const continueToken = page.metadata?.continue || undefined;
      next = continueToken && !this.stopped ? fetchPage(continueToken) : undefined;
      next?.catch(() => undefined); // awaited on the next turn; no unhandled rejection meanwhile
      const pageJsons: string[] = [];
      const add = ({ key, entry }: { key: string; entry: CompactEntry }) => {
        fresh.set(key, entry);
        pageJsons.push(entry.json);
      };
      if (this.target.mode === 'rows') {
        if (page.kind === 'Table') {
          const table = page as unknown as KubeTable;
          if (table.columnDefinitions?.length) this.columnDefs = columnsOf(table);
          for (const row of table.rows ?? []) add(compactTableRow(row));
        } else {
          this.tableSupported = false;
          for (const item of page.items ?? []) add(fallbackRow(item));
        }
      } else {
        for (const item of page.items ?? []) add({ key: objectKey(item.metadata), entry: compactObject(item) });
      }
      listRv = page.metadata?.resourceVersion ?? listRv;
      if (!this.syncedOnce && pageJsons.length) {
        this.pagesStreamed = true;
        for (const l of [...this.listeners]) l.page?.(pageJsons);
      }
    }
    if (this.stopped) return;

    if (this.syncedOnce) {
      // A relist after 410: tell subscribers what changed while the watch was gone.
      for (const [key, entry] of fresh) {
        const old = this.cache.get(key);
        if (!old) this.emit('ADDED', entry.json);
        else if (old.resourceVersion !== entry.resourceVersion) this.emit('MODIFIED', entry.json);
      }
      for (const [key, old] of this.cache) if (!fresh.has(key)) this.emit('DELETED', old.json);
    }
    this.cache.clear();
    for (const [key, entry] of fresh) this.cache.set(key, entry);
    this.resourceVersion = listRv;
    this.listing = undefined;
    if (!this.syncedOnce) {
      this.syncedOnce = true;
      for (const l of [...this.listeners]) l.synced();
    }
  }

  private async watchOnce(): Promise<void> {
    this.watchCount++;
    const timeout = this.options.watchTimeoutSeconds ?? 300;
    const res = await this.open(
      this.query({
        watch: '1',
        resourceVersion: this.resourceVersion ?? '',
        allowWatchBookmarks: 'true',
        timeoutSeconds: String(timeout + Math.floor(Math.random() * timeout)),
      }),
    );
    res.body.setEncoding('utf8');
    let buffered = '';
    try {
      for await (const chunk of res.body) {
        buffered += chunk as string;
        let newline = buffered.indexOf('\n');
        while (newline !== -1) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) this.handleLine(line);
          newline = buffered.indexOf('\n');
        }
      }
      if (buffered.trim()) this.handleLine(buffered.trim());
    } catch (err) {
      if (this.stopped) return;
      // A connection reset mid-stream: resume from the last resourceVersion like a normal end.
      if (err instanceof GoneError || err instanceof KubeApiError) throw err;
    }
  }

  private handleLine(line: string): void {
    const event = JSON.parse(line) as { type: string; object: KubeObject & KubeStatus };
    const object = event.object;
    switch (event.type) {
      case 'BOOKMARK':
        if (object?.metadata?.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
        return;
      case 'ERROR': {
        const status = object as KubeStatus;
        if (status.code === 410) throw new GoneError();
        throw new KubeApiError(status.code ?? 500, status);
      }
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED': {
        for (const { key, entry } of this.decode(object)) {
          if (event.type === 'DELETED') this.cache.delete(key);
          else this.cache.set(key, entry);
          if (entry.resourceVersion) this.resourceVersion = entry.resourceVersion;
          this.emit(event.type, entry.json);
        }
        return;
      }
      default:
        return;
    }
  }
}
