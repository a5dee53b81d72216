import { describe, expect, it } from 'vitest';
import type { TableColumnDefinition, TableRow } from '#/api/kube';
import { createResourceListState } from './resource-list-state';
import { countByColumn, filterRows, sortRows } from './row-filter';

const columns: TableColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', priority: 0 },
  { name: 'Ready', type: 'string', format: '', priority: 0 },
  { name: 'Restarts', type: 'integer', format: '', priority: 0 },
  { name: 'IP', type: 'string', format: '', priority: 1 },
];

const pod = (name: string, uid: string, restarts = 0, ready = '1/1'): TableRow => ({
  cells: [name, ready, restarts, '10.0.0.1'],
  object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name, namespace: 'default', uid } },
});

describe('resource list state', () => {
  it('takes a snapshot, then pages, then deltas, keeping rows in place on update', () => {
    const state = createResourceListState();
    state.applySnapshot({ columnDefinitions: columns, rows: [pod('web-1', 'u1'), pod('web-2', 'u2')], metadata: { resourceVersion: '10' } });
    state.appendPage({ rows: [pod('web-3', 'u3')], metadata: { resourceVersion: '10' } });
    expect(state.rows.value.map((r) => r.name)).toEqual(['web-1', 'web-2', 'web-3']);

    state.applyEvents(
      [
        { type: 'MODIFIED', row: pod('web-1', 'u1', 3, '0/1') },
        { type: 'DELETED', row: pod('web-2', 'u2') },
        { type: 'ADDED', row: pod('web-4', 'u4') },
      ],
      '12',
    );
    expect(state.rows.value.map((r) => [r.name, r.cells[2]])).toEqual([
      ['web-1', 3],
      ['web-3', 0],
      ['web-4', 0],
    ]);
    expect(state.resourceVersion.value).toBe('12');
    expect(Object.isFrozen(state.rows.value[0])).toBe(true);
  });

  it('a new snapshot replaces everything (relist after 410 Gone)', () => {
    const state = createResourceListState();
    state.applySnapshot({ columnDefinitions: columns, rows: [pod('a', 'u1'), pod('b', 'u2')], metadata: {} });
    state.applySnapshot({ columnDefinitions: columns, rows: [pod('c', 'u3')], metadata: { resourceVersion: '99' } });
    expect(state.rows.value.map((r) => r.name)).toEqual(['c']);
  });

  it('filters on every word across cells and namespace, and sorts naturally', () => {
    const state = createResourceListState();
    state.applySnapshot({
      columnDefinitions: columns,
      rows: [pod('api-10', 'a', 1), pod('api-2', 'b', 5, '0/1'), pod('db-1', 'c', 0)],
      metadata: {},
    });
    const rows = state.rows.value;
    expect(filterRows(rows, 'API').map((r) => r.name)).toEqual(['api-10', 'api-2']);
    expect(filterRows(rows, 'api 0/1').map((r) => r.name)).toEqual(['api-2']);
    expect(filterRows(rows, 'default db').map((r) => r.name)).toEqual(['db-1']);
    expect(sortRows(rows, (r) => r.cells[0], 'asc').map((r) => r.name)).toEqual(['api-2', 'api-10', 'db-1']);
    expect(sortRows(rows, (r) => r.cells[2], 'desc').map((r) => r.name)).toEqual(['api-2', 'api-10', 'db-1']);
    expect(countByColumn(rows, columns, 'Ready')).toEqual([
      ['1/1', 2],
      ['0/1', 1],
    ]);
    expect(countByColumn(rows, columns, 'Missing')).toEqual([]);
  });

  it('handles 100,000 rows with one snapshot', () => {
    const state = createResourceListState();
    const rows = Array.from({ length: 100_000 }, (_, i) => pod(`pod-${i}`, `uid-${i}`));
    state.applySnapshot({ columnDefinitions: columns, rows, metadata: {} });
    expect(state.rows.value).toHaveLength(100_000);
    expect(filterRows(state.rows.value, 'pod-99999')).toHaveLength(1);
  });
});
