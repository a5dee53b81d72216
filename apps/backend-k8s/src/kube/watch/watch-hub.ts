// Shares one UpstreamWatch per distinct key among all subscribers, across every socket, and
// closes it a grace period after its last subscriber leaves (a page reload re-subscribes within
// it and finds the cache warm).
import type { KubeAccess } from '../kube-access.js';
import { watchMetrics, type WatchMetrics } from './watch-metrics.js';
import { UpstreamWatch, watchTargetKey, type UpstreamListener, type UpstreamWatchOptions, type WatchTarget } from './upstream-watch.js';
import type { Registry } from 'prom-client';

export interface WatchHubOptions extends UpstreamWatchOptions {
  /** how long an upstream stays open without subscribers; default 30 s */
  gracePeriodMs?: number;
  /** per socket: bytes queued beyond which the browser is dropped as too slow; default 16 MiB */
  maxBufferedBytes?: number;
  /**
   * upstream watches one user's subscriptions may have started and that are still open (those in
   * their grace period included); default 100. Joining an open one does not count. Without it,
   * subscribing with ever new selectors would open list+watch after list+watch on the cluster.
   */
  maxUpstreamsPerUser?: number;
  metricsRegistry?: Registry;
}

export interface HubSubscription {
  upstream: UpstreamWatch;
  close(): void;
}

interface Shared {
  upstream: UpstreamWatch;
  subscribers: number;
  graceTimer?: NodeJS.Timeout;
  /** the user whose subscription started it */
  owner?: string;
}

/** A subscription the hub refuses to start an upstream for; `code` goes to the subscriber. */
export class WatchQuotaError extends Error {
  readonly code = 'TOO_MANY_WATCHES';
}

export class WatchHub {
  private readonly shared = new Map<string, Shared>();
  /** the keys of the open upstreams each user started */
  private readonly startedBy = new Map<string, Set<string>>();
  readonly metrics: WatchMetrics;
  private closed = false;

  constructor(
    private readonly kube: KubeAccess,
    /** read on each use, so tests and operators can tune a running hub */
    readonly options: WatchHubOptions = {},
  ) {
    this.metrics = watchMetrics(options.metricsRegistry);
  }

  /** Upstream watches currently open. */
  get upstreamCount(): number {
    return this.shared.size;
  }

  /** Open upstreams (in their grace period included) that this user's subscriptions started. */
  upstreamsStartedBy(owner: string): number {
    return this.startedBy.get(owner)?.size ?? 0;
  }

  upstreamFor(target: WatchTarget): UpstreamWatch | undefined {
    return this.shared.get(watchTargetKey(target))?.upstream;
  }

  /**
   * Attaches a listener to the shared upstream for this target, starting it if needed on behalf
   * of `owner` (a user id), within maxUpstreamsPerUser: else throws WatchQuotaError.
   */
  subscribe(target: WatchTarget, listener: UpstreamListener, owner?: string): HubSubscription {
    if (this.closed) throw new Error('the watch hub is shut down');
    const key = watchTargetKey(target);
    let entry = this.shared.get(key);
    if (!entry) {
      const started = owner === undefined ? undefined : (this.startedBy.get(owner) ?? new Set<string>());
      const limit = this.options.maxUpstreamsPerUser ?? 100;
      if (started && started.size >= limit) {
        throw new WatchQuotaError(`you have ${started.size} lists open or closing on this replica, the most it keeps for one user; close some (their watches end ${Math.round((this.options.gracePeriodMs ?? 30_000) / 1000)} s after)`);
      }
      const upstream = new UpstreamWatch(this.kube, target, this.options);
      entry = { upstream, subscribers: 0, ...(owner !== undefined ? { owner } : {}) };
      this.shared.set(key, entry);
      if (started && owner !== undefined) this.startedBy.set(owner, started.add(key));
      // A fatal error ends the upstream; forget it so a later subscribe starts afresh.
      upstream.addListener({
        synced() {},
        event() {},
        error: (_code, _message, fatal) => {
          if (fatal) this.drop(key, upstream);
        },
      });
      upstream.start();
      this.metrics.upstreams.inc();
    }
    if (entry.graceTimer) {
      clearTimeout(entry.graceTimer);
      delete entry.graceTimer;
    }
    entry.subscribers++;
    this.metrics.subscribers.inc();
    entry.upstream.addListener(listener);
    const shared = entry;
    let open = true;
    return {
      upstream: shared.upstream,
      close: () => {
        if (!open) return;
        open = false;
        shared.upstream.removeListener(listener);
        shared.subscribers--;
        this.metrics.subscribers.dec();
        if (shared.subscribers === 0 && this.shared.get(key) === shared) {
          shared.graceTimer = setTimeout(() => this.drop(key, shared.upstream), this.options.gracePeriodMs ?? 30_000);
          shared.graceTimer.unref();
        }
      },
    };
  }

  private drop(key: string, upstream: UpstreamWatch): void {
    const entry = this.shared.get(key);
    if (!entry || entry.upstream !== upstream) return;
    if (entry.graceTimer) clearTimeout(entry.graceTimer);
    this.shared.delete(key);
    if (entry.owner !== undefined) {
      const started = this.startedBy.get(entry.owner);
      started?.delete(key);
      if (started?.size === 0) this.startedBy.delete(entry.owner);
    }
    upstream.stop();
    this.metrics.upstreams.dec();
  }

  /**
   * A cluster changed: with new credentials its watches reconnect and resume (subscribers keep
   * their state); a removed cluster ends them with a fatal error.
   */
  clusterChanged(clusterId: string, removed: boolean): void {
    for (const [key, entry] of [...this.shared]) {
      if (entry.upstream.target.cluster !== clusterId) continue;
      if (removed) {
        entry.upstream.fail('CLUSTER_REMOVED', 'the cluster was removed from the console');
        this.drop(key, entry.upstream);
      } else entry.upstream.reconnect();
    }
  }

  close(): void {
    this.closed = true;
    for (const [key, entry] of this.shared) this.drop(key, entry.upstream);
  }
}
