// A process's stdin: chunks pushed by the exec channel (or the tty line discipline), read by
// commands either raw (cat) or by line (the shell). `null` marks end of input: permanent for a
// pipe, one-shot for a tty (Ctrl-D), so a shell can read again after `cat` saw EOF.

export class InputQueue {
  private readonly items: (Buffer | null)[] = [];
  private pending: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private closed = false;

  constructor(private readonly oneShotEof = false) {}

  push(chunk: Buffer): void {
    if (this.closed) return;
    this.items.push(chunk);
    this.wake();
  }

  /** end of input: for a pipe everything after is EOF; for a tty only the next read */
  end(): void {
    if (this.closed) return;
    this.items.push(null);
    if (!this.oneShotEof) this.closed = true;
    this.wake();
  }

  /** no more input ever (the client closed stdin), also for a tty */
  close(): void {
    if (this.closed) return;
    this.items.push(null);
    this.closed = true;
    this.wake();
  }

  get ended(): boolean {
    return this.closed && this.pending.length === 0 && this.items.every((i) => i === null);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private async next(signal?: AbortSignal): Promise<Buffer | null | 'aborted'> {
    while (this.items.length === 0) {
      if (this.closed) return null;
      if (signal?.aborted) return 'aborted';
      await new Promise<void>((resolve) => {
        const onAbort = () => { this.waiter = null; resolve(); };
        this.waiter = () => { signal?.removeEventListener('abort', onAbort); resolve(); };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      if (signal?.aborted) return 'aborted';
    }
    const item = this.items.shift() as Buffer | null;
    if (item === null && this.closed && this.items.length === 0) this.items.push(null);
    return item;
  }

  /** The next raw chunk; null at EOF or when aborted. */
  async readChunk(signal?: AbortSignal): Promise<Buffer | null> {
    if (this.pending.length > 0) {
      const out = this.pending;
      this.pending = Buffer.alloc(0);
      return out;
    }
    const item = await this.next(signal);
    return item === 'aborted' ? null : item;
  }

  /** The next line without its newline; at EOF a final unterminated line, then null. */
  async readLine(signal?: AbortSignal): Promise<string | null> {
    for (;;) {
      const nl = this.pending.indexOf(0x0a);
      if (nl >= 0) {
        const line = this.pending.subarray(0, nl).toString('utf8');
        this.pending = this.pending.subarray(nl + 1);
        return line.endsWith('\r') ? line.slice(0, -1) : line;
      }
      const item = await this.next(signal);
      if (item === 'aborted') return null;
      if (item === null) {
        if (this.pending.length === 0) return null;
        const rest = this.pending.toString('utf8');
        this.pending = Buffer.alloc(0);
        return rest;
      }
      this.pending = this.pending.length ? Buffer.concat([this.pending, item]) : item;
    }
  }
}
