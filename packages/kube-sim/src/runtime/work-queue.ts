// Coalesces reconcile requests: a key queued many times before it runs is reconciled once.
// Runs on setImmediate so store change notifications never re-enter a controller.

export class WorkQueue {
  private readonly pending = new Map<string, () => void>();
  private scheduled = false;
  private stopped = false;

  constructor(private readonly onError: (key: string, err: unknown) => void) {}

  add(key: string, work: () => void): void {
    if (this.stopped) return;
    this.pending.set(key, work);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    const batch = [...this.pending];
    this.pending.clear();
    for (const [key, work] of batch) {
      if (this.stopped) return;
      try {
        work();
      } catch (err) {
        this.onError(key, err);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }
}
