// Heals whatever the broadcast and the notifications missed: compares the connections this
// replica has cached (id → version) with the clusters table and reloads every one that differs
// or is gone. Runs at start, on a timer, and after the notification connection comes back.

export interface ReconcileTarget {
  cached(): { id: string; version: number }[];
  reload(id: string): Promise<number | null>;
}

export interface ReconcileResult {
  checked: number;
  reloaded: string[];
}

interface ReconcileLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export class Reconciler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<ReconcileResult> | null = null;

  constructor(
    private readonly target: ReconcileTarget,
    /** id → version of every row in the clusters table */
    private readonly tableVersions: () => Promise<Map<string, number>>,
    private readonly logger: ReconcileLogger,
    private readonly onReloaded: (count: number) => void = () => {},
  ) {}

  /** One pass; concurrent callers share the pass in progress. */
  reconcile(): Promise<ReconcileResult> {
    if (!this.running) {
      this.running = this.pass().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private async pass(): Promise<ReconcileResult> {
    const table = await this.tableVersions();
    const cached = this.target.cached();
    const reloaded: string[] = [];
    for (const { id, version } of cached) {
      if (table.get(id) === version) continue;
      await this.target.reload(id);
      reloaded.push(id);
    }
    if (reloaded.length) {
      this.onReloaded(reloaded.length);
      this.logger.info({ reloaded, checked: cached.length }, `reconcile reloaded ${reloaded.length} stale cluster connection(s)`);
    } else {
      this.logger.debug({ checked: cached.length }, 'reconcile found every cached cluster connection current');
    }
    return { checked: cached.length, reloaded };
  }

  start(intervalMs: number): void {
    this.stop();
    const tick = () => {
      this.reconcile().catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'reconcile failed; trying again next time'));
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Resolves when no pass is running (for a clean shutdown). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }
}
