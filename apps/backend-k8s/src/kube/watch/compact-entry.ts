// What the hub keeps per object: its resourceVersion (to diff a relist) and the JSON the browser
// receives, serialized once. Strings of JSON are far smaller than parsed objects in V8 and are
// spliced into every subscriber's frame without re-serializing.
import type { KubeObject, WatchColumn, WatchRow } from '@k8s-console/contracts';

export interface CompactEntry {
  resourceVersion: string;
  json: string;
}

interface TableRow {
  cells?: unknown[];
  object?: { metadata?: KubeObject['metadata'] };
}

export interface KubeTable {
  kind: 'Table';
  columnDefinitions?: { name: string; type: string; format?: string; priority?: number; description?: string }[];
  rows?: TableRow[];
  metadata?: { resourceVersion?: string; continue?: string };
}

export function objectKey(metadata: { name?: string; namespace?: string } | undefined): string {
  return metadata?.namespace ? `${metadata.namespace}/${metadata.name ?? ''}` : (metadata?.name ?? '');
}

/** Drops managedFields (large, and of no use to a browser) and serializes the object. */
export function compactObject(object: KubeObject): CompactEntry {
  if (object.metadata && 'managedFields' in object.metadata) delete object.metadata.managedFields;
  return { resourceVersion: object.metadata?.resourceVersion ?? '', json: JSON.stringify(object) };
}

export function columnsOf(table: KubeTable): WatchColumn[] {
  return (table.columnDefinitions ?? []).map((c) => {
    const column: WatchColumn = { name: c.name, type: c.type, priority: c.priority ?? 0 };
    // descriptions are long API docs, repeated per snapshot chunk: left out
    if (c.format) column.format = c.format;
    return column;
  });
}

/** A Table row (with includeObject=Metadata) as the compact row the browser holds. */
export function compactTableRow(row: TableRow): { key: string; entry: CompactEntry } {
  const metadata = row.object?.metadata ?? ({ name: '' } as KubeObject['metadata']);
  const compact: WatchRow = {
    uid: metadata.uid ?? '',
    name: metadata.name,
    resourceVersion: metadata.resourceVersion ?? '',
    cells: row.cells ?? [],
  };
  if (metadata.namespace) compact.namespace = metadata.namespace;
  if (metadata.creationTimestamp) compact.creationTimestamp = metadata.creationTimestamp;
  return { key: objectKey(metadata), entry: { resourceVersion: compact.resourceVersion, json: JSON.stringify(compact) } };
}

/** Columns used when a server cannot print Tables: the name and the creation time. */
export const fallbackColumns: WatchColumn[] = [
  { name: 'Name', type: 'string', format: 'name', priority: 0 },
  { name: 'Age', type: 'string', priority: 0 },
];

/** A row built from a whole object, for servers that answer with JSON instead of a Table. */
export function fallbackRow(object: KubeObject): { key: string; entry: CompactEntry } {
  return compactTableRow({ cells: [object.metadata?.name, object.metadata?.creationTimestamp ?? ''], object });
}
