// Failure injection for tests: added latency, a random error rate, an unreachable server, and
// dropping every open watch at once.

export interface FaultSettings {
  /** added before every response */
  latencyMs: number;
  /** 0..1: share of requests answered with a 500 InternalError Status */
  errorRate: number;
  /** every connection is closed at once, as if nothing listened */
  unreachable: boolean;
}

export interface FaultHooks {
  dropWatches(reset: boolean): number;
  closeConnections(): void;
}

export class Faults {
  private settings: FaultSettings = { latencyMs: 0, errorRate: 0, unreachable: false };

  constructor(private readonly hooks: FaultHooks) {}

  get current(): Readonly<FaultSettings> {
    return this.settings;
  }

  set(changes: Partial<FaultSettings>): void {
    this.settings = { ...this.settings, ...changes };
    if (this.settings.unreachable) this.hooks.closeConnections();
  }

  clear(): void {
    this.settings = { latencyMs: 0, errorRate: 0, unreachable: false };
  }

  /**
   * Ends every open watch. By default cleanly (the client sees the stream end, as after an
   * apiserver timeout, and re-watches); with reset the connections are destroyed mid-stream.
   * Returns how many watches were dropped.
   */
  dropWatchesNow(opts: { reset?: boolean } = {}): number {
    return this.hooks.dropWatches(opts.reset ?? false);
  }

  /** Whether this request should fail with an injected error. */
  shouldFail(): boolean {
    return this.settings.errorRate > 0 && Math.random() < this.settings.errorRate;
  }
}
