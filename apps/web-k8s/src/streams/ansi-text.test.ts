import { describe, expect, it } from 'vitest';
import { markMatches, parseAnsi, stripAnsi } from './ansi-text';

describe('parseAnsi', () => {
  it('keeps a plain line as one segment', () => {
    expect(parseAnsi('hello world')).toEqual([{ text: 'hello world' }]);
  });

  it('turns SGR colours and bold into styled segments and resets them', () => {
    const segs = parseAnsi('\x1b[1;31mERROR\x1b[0m done');
    expect(segs).toEqual([
      { text: 'ERROR', bold: true, fg: '#cd3131' },
      { text: ' done' },
    ]);
  });

  it('understands 256-colour and truecolour codes', () => {
    expect(parseAnsi('\x1b[38;5;196mx')[0]?.fg).toBe('rgb(255,0,0)');
    expect(parseAnsi('\x1b[48;2;1;2;3mx')[0]?.bg).toBe('rgb(1,2,3)');
  });

  it('drops escapes that are not colours', () => {
    expect(stripAnsi('\x1b[2Kline\x1b]0;title\x07')).toBe('line');
  });
});

describe('markMatches', () => {
  it('marks every case-insensitive occurrence across segments', () => {
    const out = markMatches(parseAnsi('Error: \x1b[31merror\x1b[0m'), 'error');
    expect(out.filter((s) => s.mark).map((s) => s.text)).toEqual(['Error', 'error']);
    expect(out.map((s) => s.text).join('')).toBe('Error: error');
  });
});
