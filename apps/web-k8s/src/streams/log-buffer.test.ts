import { describe, expect, it } from 'vitest';
import { findMatches, LogBuffer } from './log-buffer';

describe('LogBuffer', () => {
  it('cuts lines across chunk boundaries, including split UTF-8 characters', () => {
    const b = new LogBuffer();
    const bytes = new TextEncoder().encode('one\ntw€o\nthr');
    b.push(bytes.subarray(0, 7));
    b.push(bytes.subarray(7));
    expect(b.lines).toEqual(['one', 'tw€o']);
    b.flush();
    expect(b.lines).toEqual(['one', 'tw€o', 'thr']);
  });

  it('drops the oldest lines past its cap', () => {
    const b = new LogBuffer(3);
    b.push('1\n2\n3\n4\n5\n');
    expect(b.lines).toEqual(['3', '4', '5']);
    expect(b.dropped).toBe(2);
  });

  it('finds matching lines case-insensitively', () => {
    expect(findMatches(['a Warn', 'b', 'warning c'], 'WARN')).toEqual([0, 2]);
  });
});
