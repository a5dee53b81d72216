import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './line-diff.js';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n')).toBe('');
  });

  it('shows a changed line with context and hunk header', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n');
    const after = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h'].join('\n');
    expect(unifiedDiff(before, after)).toBe(['--- live', '+++ applied', '@@ -2,7 +2,7 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h', ''].join('\n'));
  });

  it('diffs against nothing for a new object', () => {
    expect(unifiedDiff('', 'x: 1\ny: 2\n', { from: '/dev/null', to: 'dry-run' })).toBe(['--- /dev/null', '+++ dry-run', '@@ -0,0 +1,2 @@', '+x: 1', '+y: 2', ''].join('\n'));
  });

  it('keeps far-apart changes in separate hunks', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `l${i}`);
    const changed = [...lines];
    changed[2] = 'X';
    changed[25] = 'Y';
    const diff = unifiedDiff(lines.join('\n'), changed.join('\n'));
    expect(diff.match(/^@@/gm)).toHaveLength(2);
    expect(diff).toContain('-l2\n+X');
    expect(diff).toContain('-l25\n+Y');
  });
});
