// Tells sibling replicas that a cluster changed, by a signed POST to each one's internal reload
// endpoint. It is the fast path only (LISTEN/NOTIFY and the reconciler heal what it misses), so it
// never blocks the user's request, bounds how many sends run at once, and gives up after a few
// retries instead of queueing forever behind a dead peer.
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import type { Peer, PeerDiscoveryResult } from './peer-discovery.js';
import type { ReplicationMetrics } from './metrics.js';
import { signRequest } from './signing.js';

export type ClusterChangeAction = 'created' | 'updated' | 'deleted';

export interface ClusterChange {
  id: string;
  action: ClusterChangeAction;
  version: number;
}

export interface BroadcastLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface BroadcasterOptions {
  discovery: { discover(): Promise<PeerDiscoveryResult> };
  secret: string;
  /** per attempt, per peer (BROADCAST_TIMEOUT_MS) */
  timeoutMs: number;
  /** sends in flight at once, across all peers and changes */
  maxInFlight?: number;
  /** sends in flight at once to one peer, so a peer that hangs cannot take every slot */
  maxInFlightPerPeer?: number;
  /** attempts per peer including the first */
  attempts?: number;
  /** first retry delay; each next one is 4 times longer, with jitter */
  backoffMs?: number;
  /** this replica's id, so a receiver can tell who asked */
  origin: string;
  logger: BroadcastLogger;
  metrics: ReplicationMetrics;
}

export type PeerOutcome = 'ok' | 'failed' | 'superseded' | 'cancelled';

export interface BroadcastReport {
  change: ClusterChange;
  peers: { url: string; outcome: PeerOutcome; attempts: number }[];
}

export function reloadPath(id: string): string {
  return `/api/v1/internal/clusters/${encodeURIComponent(id)}/reload`;
}

type AttemptResult = { kind: 'ok' } | { kind: 'retry' | 'fatal'; detail: string; metric: 'error' | 'timeout' | 'refused' };

/** A counting semaphore: at most `limit` holders at a time, waiters served in order. */
class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.used < this.limit) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }

  get inUse(): number {
    return this.used;
  }

  get idle(): boolean {
    return this.used === 0 && this.waiting.length === 0;
  }
}

export class Broadcaster {
  private readonly slots: Slots;
  private readonly peerSlots = new Map<string, Slots>();
  private readonly perPeer: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  // undici's request API with its own timers (connect, headers, body), not fetch with an
  // AbortSignal.timeout: Node's fetch follows the caller's signal through a WeakRef, and after a
  // garbage collection an abort may no longer reach the request, so a send to a peer that
  // accepts but never answers could wait forever, holding the peer's slots.
  private readonly dispatcher: Dispatcher;
  private readonly closing = new AbortController();
  // the newest change number per (peer, cluster): an older send still retrying is dropped
  private readonly latest = new Map<string, number>();
  private sequence = 0;
  private readonly running = new Set<Promise<BroadcastReport>>();
  // peers that failed every attempt last time: tried once per change until one succeeds, so a
  // dead peer costs one timeout per change instead of a whole retry series
  private readonly unreachable = new Set<string>();
  private peakInFlight = 0;

  constructor(private readonly options: BroadcasterOptions) {
    this.slots = new Slots(options.maxInFlight ?? 10);
    this.perPeer = options.maxInFlightPerPeer ?? 2;
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.backoffMs = options.backoffMs ?? 200;
    this.dispatcher = new Agent({ connect: { timeout: options.timeoutMs }, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
  }

  /** The most sends that were ever in flight at once (for tests and diagnostics). */
  get peakConcurrency(): number {
    return this.peakInFlight;
  }

  /**
   * Starts broadcasting and returns at once; the promise resolves (never rejects) when every
   * peer has answered or been given up on. Callers on a user's request must not await it.
   */
  broadcast(change: ClusterChange): Promise<BroadcastReport> {
    const run = this.run(change).catch((err: unknown): BroadcastReport => {
      this.options.logger.warn({ clusterId: change.id, err: (err as Error).message }, 'reload broadcast failed');
      return { change, peers: [] };
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return run;
  }

  /** Cancels retries and waits for sends in flight to end (they are aborted). */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([...this.running]);
    await this.dispatcher.destroy();
  }

  private async run(change: ClusterChange): Promise<BroadcastReport> {
    if (this.closing.signal.aborted) return { change, peers: [] };
    const { peers } = await this.options.discovery.discover();
    const seq = ++this.sequence;
    for (const peer of peers) this.latest.set(`${peer.url}|${change.id}`, seq);
    const results = await Promise.all(peers.map((peer) => this.sendToPeer(peer, change, seq)));
    return { change, peers: results };
  }

  private async sendToPeer(peer: Peer, change: ClusterChange, seq: number): Promise<BroadcastReport['peers'][number]> {
    const key = `${peer.url}|${change.id}`;
    const log = { peer: peer.url, clusterId: change.id, action: change.action, version: change.version };
    let attempt = 0;
    let last: AttemptResult = { kind: 'retry', detail: 'not sent', metric: 'error' };
    const attempts = this.unreachable.has(peer.url) ? 1 : this.attempts;
    try {
      while (attempt < attempts) {
        if (this.closing.signal.aborted) return { url: peer.url, outcome: 'cancelled', attempts: attempt };
        if (this.latest.get(key) !== seq) return { url: peer.url, outcome: 'superseded', attempts: attempt };
        attempt++;
        const result = await this.attemptWithSlot(peer, change, () => this.latest.get(key) === seq && !this.closing.signal.aborted);
        if (result === null) {
          // superseded or closed while it waited for a slot: nothing was sent
          attempt--;
          continue;
        }
        last = result;
        this.options.metrics.broadcastsSent.inc({ outcome: last.kind === 'ok' ? 'ok' : last.metric });
        if (last.kind === 'ok') {
          if (this.unreachable.delete(peer.url)) this.options.logger.info({ peer: peer.url }, 'sibling is reachable again');
          this.options.logger.info({ ...log, attempt }, 'sibling reloaded the cluster');
          return { url: peer.url, outcome: 'ok', attempts: attempt };
        }
        if (last.kind === 'fatal') break;
        if (attempt < attempts) await this.sleep(this.backoffMs * 4 ** (attempt - 1) * (0.5 + Math.random() / 2));
      }
      if (this.closing.signal.aborted) return { url: peer.url, outcome: 'cancelled', attempts: attempt };
      this.options.metrics.broadcastsFailed.inc();
      if (last.kind === 'retry') this.unreachable.add(peer.url);
      this.options.logger.warn(
        { ...log, attempts: attempt, err: 'detail' in last ? last.detail : undefined },
        'sibling did not reload the cluster; it will catch up by notification or reconcile',
      );
      return { url: peer.url, outcome: 'failed', attempts: attempt };
    } finally {
      if (this.latest.get(key) === seq) this.latest.delete(key);
    }
  }

  // The peer's own slot first: requests queued for a slow peer wait without holding a global slot
  // that a healthy peer could use.
  private async attemptWithSlot(peer: Peer, change: ClusterChange, stillWanted: () => boolean): Promise<AttemptResult | null> {
    let peerSlots = this.peerSlots.get(peer.url);
    if (!peerSlots) {
      peerSlots = new Slots(this.perPeer);
      this.peerSlots.set(peer.url, peerSlots);
    }
    await peerSlots.acquire();
    try {
      if (!stillWanted()) return null;
      await this.slots.acquire();
      this.peakInFlight = Math.max(this.peakInFlight, this.slots.inUse);
      try {
        return await this.attempt(peer, change);
      } finally {
        this.slots.release();
      }
    } finally {
      peerSlots.release();
      if (peerSlots.idle) this.peerSlots.delete(peer.url);
    }
  }

  private async attempt(peer: Peer, change: ClusterChange): Promise<AttemptResult> {
    const path = reloadPath(change.id);
    const body = JSON.stringify({ action: change.action, version: change.version, origin: this.options.origin });
    try {
      const res = await this.dispatcher.request({
        origin: peer.url,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signRequest(this.options.secret, 'POST', path, body) },
        body,
        signal: this.closing.signal,
      });
      await res.body.dump().catch(() => undefined);
      if (res.statusCode >= 200 && res.statusCode < 300) return { kind: 'ok' };
      // a refused signature or a missing route will not change by retrying; a busy peer may
      if (res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 408 && res.statusCode !== 429) {
        return { kind: 'fatal', detail: `HTTP ${res.statusCode}`, metric: res.statusCode === 401 || res.statusCode === 403 ? 'refused' : 'error' };
      }
      return { kind: 'retry', detail: `HTTP ${res.statusCode}`, metric: 'error' };
    } catch (err) {
      if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.ConnectTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
        return { kind: 'retry', detail: `no answer within ${this.options.timeoutMs} ms`, metric: 'timeout' };
      }
      const e = err as Error & { code?: string; cause?: { code?: string } };
      return { kind: 'retry', detail: e.code ?? e.cause?.code ?? e.message, metric: 'error' };
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.closing.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
