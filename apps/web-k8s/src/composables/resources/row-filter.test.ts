// Sorting keys must order rows exactly as the collator does, or a sorted list would jump between
// orders as its values move in and out of the fast path.
import { describe, expect, it } from 'vitest';
import type { ResourceRow } from './resource-list-state';
import { sortKeys, sortRows } from './row-filter';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const row = (value: unknown, i: number): ResourceRow => ({ key: String(i), name: String(i), cells: [value], search: '' });
/** The order the collator alone gives (what sortRows did before it had keys). */
const collatorOrder = (values: unknown[], sign = 1) =>
  values
    .map((v, i) => ({ v, i }))
    .sort((a, b) => {
      const [x, y] = [a.v, b.v];
      if (x === null || x === undefined) return sign * (y === null || y === undefined ? 0 : -1);
      if (y === null || y === undefined) return sign;
      if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
      return sign * collator.compare(String(x), String(y));
    })
    .map((e) => e.i);

describe('sortRows', () => {
  it('orders names, versions and IPs exactly as the collator does', () => {
    const next = random(42);
    const alphabet = 'abcXYZ019-. ';
    const values: unknown[] = [];
    for (let i = 0; i < 3000; i++) {
      const length = Math.floor(next() * 12);
      let text = '';
      for (let c = 0; c < length; c++) text += alphabet[Math.floor(next() * alphabet.length)];
      values.push(next() < 0.03 ? null : text);
    }
    values.push('pod-2', 'pod-10', 'pod-010', 'Pod-9', 'v1.28.3', 'v1.9.0', '10.0.0.12', '10.0.0.9', '', 'a 1', 'a-1', 'a.1');
    expect(sortKeys(values)).not.toBeNull();
    const rows = values.map(row);
    for (const direction of ['asc', 'desc'] as const) {
      const sorted = sortRows(rows, (r) => r.cells[0], direction).map((r) => Number(r.key));
      // ties keep their original order both ways
      expect(sorted).toEqual(collatorOrder(values, direction === 'asc' ? 1 : -1));
    }
  });

  it('leaves other text to the collator: accents, underscores, long digit runs, mixed types', () => {
    for (const values of [['é', 'e'], ['a_b', 'a-b'], ['1'.repeat(25), '2'], ['x', 3]]) {
      expect(sortKeys(values)).toBeNull();
      const sorted = sortRows(values.map(row), (r) => r.cells[0], 'asc').map((r) => Number(r.key));
      expect(sorted).toEqual(collatorOrder(values));
    }
  });

  it('sorts numbers as numbers, missing values first', () => {
    const values = [10, null, 2, undefined, -1];
    expect(sortRows(values.map(row), (r) => r.cells[0], 'asc').map((r) => r.cells[0])).toEqual([null, undefined, -1, 2, 10]);
  });
});
