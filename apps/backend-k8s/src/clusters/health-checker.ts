// Checks every cluster's GET /version on a timer and records status, version and the last error.
// Runs a few at a time so a thousand clusters do not open a thousand sockets at once.
import type { FastifyBaseLogger } from 'fastify';
import { testConnection } from './connection-test.js';
import type { ClusterStore } from './cluster-store.js';

const CONCURRENCY = 4;

export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: ClusterStore,
    private readonly timeoutMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    const tick = () => {
      void this.checkAll().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, intervalMs).unref();
      });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every cluster; concurrent calls share the pass. */
  checkAll(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    const queue = await this.store.list();
    const worker = async () => {
      for (let row = queue.shift(); row && !this.stopped; row = queue.shift()) {
        try {
          const result = await testConnection(this.store.openCredentials(row), this.timeoutMs);
          await this.store.recordHealth(row.id, result);
        } catch (err) {
          // An unreadable row (e.g. its key was removed) is a health error, not a crash.
          await this.store
            .recordHealth(row.id, { ok: false, server: row.server, error: { code: 'NETWORK', message: (err as Error).message } })
            .catch(() => {});
          this.log.warn({ clusterId: row.id, err: (err as Error).message }, 'cluster health check failed');
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }
}
