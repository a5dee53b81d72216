// Feeds a ResourceListState. Live through the watch hub when the console has one (a snapshot in
// chunks, then deltas batched into one render every EVENT_BATCH_MS); otherwise (or while the hub
// cannot deliver a first snapshot) by a paged Table API list, so the first rows show at once on
// big clusters.
import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue';
import type { WatchColumn, WatchRow } from '@k8s-console/contracts';
import { useApiClient } from '#/api/context';
import { useWatchHub } from '#/api/watch-hub-context';
import { kubeApi, type TableColumnDefinition, type TableRow } from '#/api/kube';
import { ApiError } from '#/api/client';
import { createResourceListState, type RowEvent } from './resource-list-state';
import type { ResourceType } from './resource-catalogue';

const FIRST_PAGE = 200;
const NEXT_PAGES = 2000;
const EVENT_BATCH_MS = 50;
/** how often a paged list starts over after its continue token expired before giving up */
const MAX_LIST_RESTARTS = 2;

export interface ResourceListQuery {
  cluster: string;
  type: Pick<ResourceType, 'group' | 'version' | 'resource' | 'namespaced'>;
  namespace?: string;
  labelSelector?: string;
}

export function watchRowToTableRow(row: WatchRow): TableRow {
  return {
    cells: row.cells,
    object: {
      metadata: {
        name: row.name,
        uid: row.uid,
        resourceVersion: row.resourceVersion,
        ...(row.namespace ? { namespace: row.namespace } : {}),
        ...(row.creationTimestamp ? { creationTimestamp: row.creationTimestamp } : {}),
      },
    },
  };
}

function toColumns(columns: WatchColumn[] | undefined): TableColumnDefinition[] {
  return (columns ?? []).map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', priority: c.priority, description: c.description }));
}

export function useResourceListFeed(query: Ref<ResourceListQuery>) {
  const client = useApiClient();
  const hub = useWatchHub();
  const state = createResourceListState();
  const loading = ref(false);
  const complete = ref(false);
  /** true while the live connection is down and the list may be stale */
  const stale = ref(false);
  const live = ref(false);
  const error = shallowRef<ApiError | null>(null);
  /** why the live list is not current (the cluster unreachable, an upstream error); it retries by itself */
  const warning = shallowRef<ApiError | null>(null);
  let stop: () => void = () => {};

  /**
   * Lists q page by page into the state, the first page replacing what is shown. Resolves when
   * every page is in (or on abort); rejects with the list's error.
   */
  async function listAllPages(q: ResourceListQuery, signal: AbortSignal): Promise<void> {
    const api = kubeApi(client, q.cluster);
    const base = {
      namespace: q.type.namespaced ? q.namespace || undefined : undefined,
      labelSelector: q.labelSelector || undefined,
      signal,
    };
    let restarts = 0;
    let page = await api.listTable(q.type, { ...base, limit: FIRST_PAGE });
    if (signal.aborted) return;
    state.applySnapshot(page);
    while (page.metadata.continue) {
      try {
        page = await api.listTable(q.type, { ...base, limit: NEXT_PAGES, continueToken: page.metadata.continue });
      } catch (err) {
        // 410 Gone: the continue token expired (the apiserver compacted its history while a big
        // list paged in). Like kubectl, list again from the start; the first page replaces all.
        if (!(err instanceof ApiError && err.status === 410) || restarts >= MAX_LIST_RESTARTS || signal.aborted) throw err;
        restarts += 1;
        page = await api.listTable(q.type, { ...base, limit: FIRST_PAGE });
        if (signal.aborted) return;
        state.applySnapshot(page);
        continue;
      }
      if (signal.aborted) return;
      state.appendPage(page);
    }
  }

  function loadByList(q: ResourceListQuery) {
    const ctrl = new AbortController();
    stop = () => ctrl.abort();
    void (async () => {
      try {
        await listAllPages(q, ctrl.signal);
        if (!ctrl.signal.aborted) complete.value = true;
      } catch (err) {
        if (ctrl.signal.aborted) return;
        error.value = err as ApiError;
        state.clear();
      } finally {
        if (!ctrl.signal.aborted) loading.value = false;
      }
    })();
  }

  function loadLive(q: ResourceListQuery) {
    live.value = true;
    let pending: RowEvent[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | null = null;
    // The first snapshot shows chunk by chunk; a re-snapshot after a drop replaces the list at once.
    let receiving = false;
    let everComplete = false;
    let buffered: { columns: TableColumnDefinition[]; rows: TableRow[] } | null = null;
    let chunkRows: TableRow[] = [];
    let chunkTimer: ReturnType<typeof setTimeout> | null = null;
    const flushChunks = (metadata: { resourceVersion?: string }) => {
      if (chunkTimer) clearTimeout(chunkTimer);
      chunkTimer = null;
      const rows = chunkRows;
      chunkRows = [];
      if (rows.length) state.appendPage({ rows, metadata });
    };
    // The hub sends a snapshot only once its upstream list is complete, which on a big cluster the
    // first subscriber waits seconds for. A first page over plain HTTP shows rows meanwhile; the
    // snapshot replaces it when it comes.
    const preview = new AbortController();
    void kubeApi(client, q.cluster)
      .listTable(q.type, {
        namespace: q.type.namespaced ? q.namespace || undefined : undefined,
        labelSelector: q.labelSelector || undefined,
        limit: FIRST_PAGE,
        signal: preview.signal,
      })
      .then((page) => {
        if (!preview.signal.aborted && !everComplete && !receiving) state.applySnapshot(page);
      })
      .catch(() => undefined); // the subscription reports errors
    // The socket dropped (or never opened: WebSockets blocked on the way, a client too slow for the
    // snapshot) before a first snapshot was complete: list every page over HTTP meanwhile, so the
    // list is not left at the preview's first page. A snapshot, when one comes, takes over.
    // The same when the subscription failed for good (`ended`): a user may list without the right
    // to watch, or the hub's quota is reached; the list is then complete but not live.
    let fallback: AbortController | null = null;
    let ended: ApiError | null = null;
    /** the fallback listed every page: a snapshot that comes later replaces the list when complete */
    let listed = false;
    const startFallback = () => {
      if (fallback || everComplete || listed) return;
      const ctrl = new AbortController();
      fallback = ctrl;
      preview.abort();
      listAllPages(q, ctrl.signal).then(
        () => {
          if (ctrl.signal.aborted) return;
          listed = true;
          complete.value = true;
          loading.value = false;
          if (ended) warning.value = ended; // why it is not live
        },
        (err: ApiError) => {
          if (ctrl.signal.aborted) return;
          loading.value = false;
          if (!ended) return void (warning.value = err);
          error.value = err; // neither live nor listed: the list's own refusal says why
          state.clear();
        },
      );
    };
    const stopFallback = () => {
      fallback?.abort();
      fallback = null;
    };
    const flush = () => {
      flushTimer = null;
      const batch = pending;
      pending = [];
      state.applyEvents(batch);
    };
    const unsubscribe = hub!.subscribe(
      {
        cluster: q.cluster,
        group: q.type.group,
        version: q.type.version,
        resource: q.type.resource,
        ...(q.type.namespaced && q.namespace ? { namespace: q.namespace } : {}),
        ...(q.labelSelector ? { labelSelector: q.labelSelector } : {}),
        mode: 'rows',
      },
      {
        snapshot(message) {
          preview.abort();
          stopFallback();
          const rows = (message.rows ?? []).map(watchRowToTableRow);
          const metadata = { resourceVersion: message.resourceVersion };
          if (message.complete) {
            stale.value = false;
            warning.value = null;
          }
          if (message.reset) {
            // the hub's first list failed halfway and starts over: what came so far is forgotten
            // (objects deleted meanwhile must not stay), and this chunk begins the list anew
            receiving = false;
            buffered = null;
            chunkRows = [];
            if (chunkTimer) clearTimeout(chunkTimer);
            chunkTimer = null;
          }
          if (!everComplete && !listed) {
            // The first chunk shows at once; later chunks are collected and shown together every
            // EVENT_BATCH_MS, so 100,000 rows do not cost one re-render per chunk.
            if (receiving) {
              chunkRows.push(...rows);
              if (message.complete) flushChunks(metadata);
              else chunkTimer ??= setTimeout(() => flushChunks(metadata), EVENT_BATCH_MS);
            } else state.applySnapshot({ columnDefinitions: toColumns(message.columns), rows, metadata });
            receiving = !message.complete;
            if (message.complete) {
              everComplete = true;
              complete.value = true;
              loading.value = false;
            }
            return;
          }
          if (!receiving || !buffered) buffered = { columns: toColumns(message.columns), rows: [] };
          buffered.rows.push(...rows);
          receiving = !message.complete;
          if (message.complete) {
            state.applySnapshot({ columnDefinitions: buffered.columns, rows: buffered.rows, metadata });
            buffered = null;
            everComplete = true;
          }
        },
        event(message) {
          // events flow only while the upstream is well: a warning before this one is over
          stale.value = false;
          warning.value = null;
          if (!message.row) return;
          pending.push({ type: message.event, row: watchRowToTableRow(message.row) });
          flushTimer ??= setTimeout(flush, EVENT_BATCH_MS);
        },
        error(message) {
          if (message.fatal) {
            const err = new ApiError(0, message.code, message.message);
            live.value = false;
            stale.value = false;
            if (everComplete) {
              // e.g. the user's rights were withdrawn while the list was shown
              error.value = err;
              loading.value = false;
              return;
            }
            ended = err;
            if (listed) warning.value = err;
            else startFallback(); // (one under way says why when it is done)
          } else {
            stale.value = true;
            warning.value = new ApiError(0, message.code, message.message);
          }
        },
        disconnected() {
          stale.value = true;
          startFallback();
          receiving = false;
          buffered = null;
          chunkRows = [];
          if (chunkTimer) clearTimeout(chunkTimer);
          chunkTimer = null;
        },
      },
    );
    stop = () => {
      preview.abort();
      stopFallback();
      unsubscribe();
      if (flushTimer) clearTimeout(flushTimer);
      if (chunkTimer) clearTimeout(chunkTimer);
    };
  }

  function load(q: ResourceListQuery) {
    stop();
    loading.value = true;
    complete.value = false;
    stale.value = false;
    error.value = null;
    warning.value = null;
    live.value = false;
    state.clear();
    if (hub) loadLive(q);
    else loadByList(q);
  }

  // Reload only when what is listed changes: the view rebuilds its query object on every URL change
  // (each keystroke of the text filter included), and resubscribing 100,000 rows per key is slow.
  const listedBy = (q: ResourceListQuery) =>
    JSON.stringify([q.cluster, q.type.group, q.type.version, q.type.resource, q.type.namespaced, q.namespace ?? '', q.labelSelector ?? '']);
  watch(() => listedBy(query.value), () => load(query.value), { immediate: true });
  onBeforeUnmount(() => stop());

  return { state, loading, complete, stale, live, error, warning, reload: () => load(query.value) };
}
