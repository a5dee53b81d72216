// The rows of one resource list, fed by snapshots and deltas. Today the feed is a paged Table
// list; the watch hub (snapshot, then ADDED/MODIFIED/DELETED) plugs into the same two methods.
// Rows are plain frozen objects in a shallowRef: 100,000 of them must not become reactive proxies.
import { shallowRef, triggerRef, type ShallowRef } from 'vue';
import type { KubeTable, ObjectMeta, TableColumnDefinition, TableRow } from '#/api/kube';

export interface ResourceRow {
  /** uid, or namespace/name when the server sent no uid */
  key: string;
  name: string;
  namespace?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  cells: readonly unknown[];
  /** lowercased text of every cell, for "filter as you type" without per-keystroke work per cell */
  search: string;
}

export type RowEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; row: TableRow };

export interface ResourceListState {
  columns: ShallowRef<readonly TableColumnDefinition[]>;
  rows: ShallowRef<readonly ResourceRow[]>;
  resourceVersion: ShallowRef<string | undefined>;
  /** Replaces everything (a fresh list or a watch snapshot). */
  applySnapshot(table: Pick<KubeTable, 'columnDefinitions' | 'rows' | 'metadata'>): void;
  /** Appends the next page of a paged list to the current snapshot. */
  appendPage(table: Pick<KubeTable, 'rows' | 'metadata'>): void;
  /** Applies a batch of deltas in one render. */
  applyEvents(events: readonly RowEvent[], resourceVersion?: string): void;
  clear(): void;
}

export function rowKey(meta: Pick<ObjectMeta, 'uid' | 'name' | 'namespace'>): string {
  return meta.uid || `${meta.namespace ?? ''}/${meta.name}`;
}

export function toResourceRow(row: TableRow, columns: readonly TableColumnDefinition[]): ResourceRow {
  const meta = row.object?.metadata;
  const nameIndex = columns.findIndex((c) => c.name === 'Name');
  const name = meta?.name ?? String(row.cells[nameIndex >= 0 ? nameIndex : 0] ?? '');
  const namespace = meta?.namespace;
  const search = [namespace ?? '', ...row.cells.map((c) => (c === null || c === undefined ? '' : String(c)))]
    .join('\u0000')
    .toLowerCase();
  return Object.freeze({
    key: rowKey({ uid: meta?.uid, name, namespace }),
    name,
    ...(namespace ? { namespace } : {}),
    ...(meta?.creationTimestamp ? { creationTimestamp: meta.creationTimestamp } : {}),
    ...(meta?.labels ? { labels: meta.labels } : {}),
    cells: Object.freeze([...row.cells]),
    search,
  });
}

export function createResourceListState(): ResourceListState {
  const columns = shallowRef<readonly TableColumnDefinition[]>([]);
  const rows = shallowRef<readonly ResourceRow[]>([]);
  const resourceVersion = shallowRef<string | undefined>(undefined);
  let byKey = new Map<string, ResourceRow>();

  function publish() {
    rows.value = Array.from(byKey.values());
  }

  return {
    columns,
    rows,
    resourceVersion,
    applySnapshot(table) {
      columns.value = table.columnDefinitions;
      byKey = new Map();
      for (const r of table.rows) {
        const row = toResourceRow(r, table.columnDefinitions);
        byKey.set(row.key, row);
      }
      resourceVersion.value = table.metadata.resourceVersion;
      publish();
    },
    appendPage(table) {
      for (const r of table.rows) {
        const row = toResourceRow(r, columns.value);
        byKey.set(row.key, row);
      }
      resourceVersion.value = table.metadata.resourceVersion ?? resourceVersion.value;
      publish();
    },
    applyEvents(events, rv) {
      if (events.length === 0) return;
      for (const event of events) {
        const row = toResourceRow(event.row, columns.value);
        if (event.type === 'DELETED') byKey.delete(row.key);
        else byKey.set(row.key, row); // a Map keeps first-insertion order, so an update stays in place
      }
      if (rv) resourceVersion.value = rv;
      publish();
      triggerRef(rows);
    },
    clear() {
      byKey = new Map();
      columns.value = [];
      resourceVersion.value = undefined;
      publish();
    },
  };
}
