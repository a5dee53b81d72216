// Filtering and sorting of list rows, done in the browser so that they answer as the user types.
import type { ResourceRow } from './resource-list-state';

export type SortDirection = 'asc' | 'desc';

/** Every whitespace-separated word must appear somewhere in the row. */
export function filterRows(rows: readonly ResourceRow[], text: string): readonly ResourceRow[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((row) => words.every((w) => row.search.includes(w)));
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Sorts by a value of each row; numbers compare as numbers, text naturally ("pod-2" before "pod-10"). */
export function sortRows(
  rows: readonly ResourceRow[],
  valueOf: (row: ResourceRow) => unknown,
  direction: SortDirection,
): readonly ResourceRow[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => sign * compareCells(valueOf(a), valueOf(b)));
}

function compareCells(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : -1;
  if (b === undefined || b === null) return 1;
  return collator.compare(String(a), String(b));
}

/** How many rows have each value of one column, most frequent first (e.g. pods by Status). */
export function countByColumn(
  rows: readonly ResourceRow[],
  columns: readonly { name: string }[],
  column: string,
): Array<[string, number]> {
  const index = columns.findIndex((c) => c.name === column);
  if (index < 0) return [];
  const counts = new Map<string, number>();
  for (const row of rows) {
    const value = String(row.cells[index] ?? '');
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
