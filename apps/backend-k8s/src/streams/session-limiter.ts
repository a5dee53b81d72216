// Concurrent exec sessions per console user, counted on this replica. A slot is taken before the
// upgrade (so a refusal is a plain HTTP 429) and given back exactly once when the session ends.
export class SessionLimiter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly perUser: number) {}

  /** A release function, or null when the user already holds the maximum. */
  acquire(userId: string): (() => void) | null {
    const current = this.counts.get(userId) ?? 0;
    if (current >= this.perUser) return null;
    this.counts.set(userId, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.counts.get(userId) ?? 1) - 1;
      if (n <= 0) this.counts.delete(userId);
      else this.counts.set(userId, n);
    };
  }

  held(userId: string): number {
    return this.counts.get(userId) ?? 0;
  }

  get limit(): number {
    return this.perUser;
  }
}
