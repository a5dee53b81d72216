// Splits a log line with ANSI SGR escapes (colours, bold, underline) into styled segments;
// every other escape sequence is dropped so it cannot garble the viewer.

export interface AnsiSegment {
  text: string;
  fg?: string;
  bg?: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  dim?: boolean;
}

const PALETTE = [
  '#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5',
  '#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff',
];

function color256(n: number): string {
  if (n < 16) return PALETTE[n] ?? '';
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const i = n - 16;
  const c = (x: number) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${c(Math.floor(i / 36))},${c(Math.floor(i / 6) % 6)},${c(i % 6)})`;
}

// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[([0-9;]*)([A-Za-z])|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1b\][^\x07]*(?:\x07|\x1b\\)/g;

/** True when the line holds an escape character at all (the fast path skips parsing otherwise). */
export function hasAnsi(line: string): boolean {
  return line.includes('\x1b');
}

export function stripAnsi(line: string): string {
  return hasAnsi(line) ? line.replace(ESCAPE, '') : line;
}

export function parseAnsi(line: string): AnsiSegment[] {
  if (!hasAnsi(line)) return [{ text: line }];
  const segments: AnsiSegment[] = [];
  let style: Omit<AnsiSegment, 'text'> = {};
  let last = 0;
  for (const m of line.matchAll(ESCAPE)) {
    const index = m.index ?? 0;
    if (index > last) segments.push({ text: line.slice(last, index), ...style });
    last = index + m[0].length;
    if (m[2] !== 'm') continue;
    const codes = (m[1] || '0').split(';').map((c) => Number.parseInt(c || '0', 10));
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i] ?? 0;
      if (code === 0) style = {};
      else if (code === 1) style.bold = true;
      else if (code === 2) style.dim = true;
      else if (code === 3) style.italic = true;
      else if (code === 4) style.underline = true;
      else if (code === 22) style = { ...style, bold: false, dim: false };
      else if (code === 23) style.italic = false;
      else if (code === 24) style.underline = false;
      else if (code >= 30 && code <= 37) style.fg = PALETTE[code - 30];
      else if (code >= 90 && code <= 97) style.fg = PALETTE[code - 90 + 8];
      else if (code >= 40 && code <= 47) style.bg = PALETTE[code - 40];
      else if (code >= 100 && code <= 107) style.bg = PALETTE[code - 100 + 8];
      else if (code === 39) style.fg = undefined;
      else if (code === 49) style.bg = undefined;
      else if ((code === 38 || code === 48) && codes[i + 1] === 5) {
        const c = color256(codes[i + 2] ?? 0);
        if (code === 38) style.fg = c;
        else style.bg = c;
        i += 2;
      } else if ((code === 38 || code === 48) && codes[i + 1] === 2) {
        const c = `rgb(${codes[i + 2] ?? 0},${codes[i + 3] ?? 0},${codes[i + 4] ?? 0})`;
        if (code === 38) style.fg = c;
        else style.bg = c;
        i += 4;
      }
    }
  }
  if (last < line.length) segments.push({ text: line.slice(last), ...style });
  return segments;
}

/** Splits segments further where `needle` occurs (case-insensitive), marking the matches. */
export function markMatches(segments: AnsiSegment[], needle: string): (AnsiSegment & { mark?: boolean })[] {
  if (!needle) return segments;
  const n = needle.toLowerCase();
  const out: (AnsiSegment & { mark?: boolean })[] = [];
  for (const seg of segments) {
    const lower = seg.text.toLowerCase();
    let from = 0;
    let at = lower.indexOf(n);
    while (at >= 0) {
      if (at > from) out.push({ ...seg, text: seg.text.slice(from, at) });
      out.push({ ...seg, text: seg.text.slice(at, at + n.length), mark: true });
      from = at + n.length;
      at = lower.indexOf(n, from);
    }
    if (from < seg.text.length) out.push({ ...seg, text: seg.text.slice(from) });
  }
  return out;
}
