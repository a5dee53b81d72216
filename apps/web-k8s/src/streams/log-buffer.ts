// The lines of a log view: bytes arrive in arbitrary chunks, lines are cut at '\n', and the
// oldest lines are dropped past a cap so a log followed for hours cannot exhaust the tab.

export const DEFAULT_MAX_LINES = 500_000;

export class LogBuffer {
  private readonly decoder = new TextDecoder();
  private partial = '';
  lines: string[] = [];
  /** how many lines were dropped from the front since the start */
  dropped = 0;

  constructor(private readonly maxLines = DEFAULT_MAX_LINES) {}

  /** Adds a chunk; returns how many complete lines it produced. */
  push(chunk: ArrayBuffer | Uint8Array | string): number {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) this.lines.push(p.endsWith('\r') ? p.slice(0, -1) : p);
    if (this.lines.length > this.maxLines) {
      const excess = this.lines.length - this.maxLines;
      this.lines.splice(0, excess);
      this.dropped += excess;
    }
    return parts.length;
  }

  /** The end of the stream: an unterminated last line still counts. */
  flush(): void {
    if (this.partial) this.lines.push(this.partial);
    this.partial = '';
  }

  clear(): void {
    this.lines = [];
    this.partial = '';
    this.dropped = 0;
  }
}

/** Indexes of lines containing `needle` (case-insensitive). */
export function findMatches(lines: readonly string[], needle: string): number[] {
  if (!needle) return [];
  const n = needle.toLowerCase();
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) if ((lines[i] as string).toLowerCase().includes(n)) out.push(i);
  return out;
}
