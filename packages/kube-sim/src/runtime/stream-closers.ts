// Streams that must end when the runtime stops (followed logs). One Set instead of one abort
// listener per stream on a shared AbortSignal: hundreds of concurrent followers would trip
// Node's MaxListenersExceededWarning on the signal, and a Set entry costs nothing to remove.
export class StreamClosers {
  private readonly closers = new Set<() => void>();
  private closed = false;

  /** Calls `close` when closeAll() runs (at once if it already ran); returns the unsubscribe. */
  add(close: () => void): () => void {
    if (this.closed) {
      close();
      return () => {};
    }
    this.closers.add(close);
    return () => {
      this.closers.delete(close);
    };
  }

  get size(): number {
    return this.closers.size;
  }

  closeAll(): void {
    this.closed = true;
    const all = [...this.closers];
    this.closers.clear();
    for (const close of all) close();
  }
}
