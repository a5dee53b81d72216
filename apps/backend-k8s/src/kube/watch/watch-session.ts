// One browser socket of the watch hub: many subscriptions multiplexed by id. Each subscription
// is authorized (list and watch), gets its snapshot in chunks paced by the socket's buffer, then
// live events. A client that cannot keep up is disconnected instead of growing server memory.
import type { WebSocket } from 'ws';
import { Value } from '@sinclair/typebox/value';
import {
  WatchClientMessageSchema,
  WatchCloseCode,
  type WatchClientMessage,
  type WatchError,
  type WatchEventType,
  type WatchSubscribe,
} from '@k8s-console/contracts';
import type { Authorizer, Subject } from '../../rbac/authorizer.js';
import type { LiveSession } from '../../rbac/live-sessions.js';
import type { HubSubscription, WatchHub } from './watch-hub.js';
import type { UpstreamWatch } from './upstream-watch.js';
import { pathSegment } from '../request-info.js';

export interface WatchSessionOptions {
  hub: WatchHub;
  authorizer: () => Authorizer;
  /** checks the cluster exists (throws the console's 404 otherwise) */
  resolveCluster: (clusterId: string) => Promise<unknown>;
  /** events queued for one subscription while its snapshot is sent; default 100 000 */
  maxPendingEvents?: number;
  /** target size of one snapshot frame; default 256 KiB */
  snapshotChunkBytes?: number;
  maxSubscriptions?: number;
  /** told once when the session ends */
  onShutdown?: () => void;
}

interface SessionSubscription {
  id: string;
  msg: WatchSubscribe;
  hub?: HubSubscription;
  state: 'waiting' | 'snapshot' | 'live' | 'closed';
  pending: string[];
  /** the pending frames' length in characters */
  pendingBytes: number;
  /** pages of the upstream's first list were already sent as incomplete snapshot chunks */
  partialSent: boolean;
  /** the next snapshot chunk tells the client to drop what it got so far */
  resetNext: boolean;
  /** `{"type":"event","id":"<id>","event":"` — the frame prefix, built once */
  prefix: string;
}

const LOW_WATER = 1024 * 1024;

export class WatchSession implements LiveSession {
  private readonly subs = new Map<string, SessionSubscription>();
  private closed = false;
  private readonly pingTimer: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    private subject_: Subject,
    private readonly opts: WatchSessionOptions,
  ) {
    socket.on('message', (data, isBinary) => this.onMessage(isBinary ? null : data.toString()));
    socket.on('close', () => this.shutdown());
    socket.on('error', () => this.shutdown());
    // Keeps idle sockets alive through proxies (nginx closes after 60 s of silence by default).
    this.pingTimer = setInterval(() => socket.ping(), 25_000);
    this.pingTimer.unref();
  }

  get subscriptionCount(): number {
    return this.subs.size;
  }

  get subject(): Subject {
    return this.subject_;
  }

  /** Whether this subject may list and watch what the subscription asks for; the reason if not. */
  private async allowed(subject: Subject, msg: WatchSubscribe): Promise<{ allowed: true } | { allowed: false; reason: string }> {
    const authorizer = this.opts.authorizer();
    for (const verb of ['list', 'watch']) {
      const attrs: Parameters<Authorizer['authorizeResource']>[1] = {
        clusterId: msg.cluster,
        verb,
        apiGroup: msg.group,
        apiVersion: msg.version,
        resource: msg.resource,
      };
      if (msg.namespace) attrs.namespace = msg.namespace;
      const decision = await authorizer.authorizeResource(subject, attrs);
      if (!decision.allowed) return decision;
    }
    return { allowed: true };
  }

  /** Closes the socket with 4403 and a reason the browser can show (at most 123 bytes). */
  end(reason: string): void {
    if (this.closed) return;
    this.socket.close(WatchCloseCode.AccessRevoked, reason);
    this.shutdown();
  }

  /**
   * Checked again after users, roles or bindings changed: a user gone or disabled loses the
   * socket; otherwise each subscription no longer allowed ends with a FORBIDDEN error.
   */
  async recheck(current: Subject | null): Promise<void> {
    if (this.closed) return;
    if (!current) return this.end('your account was disabled or removed: sign in again');
    this.subject_ = current;
    for (const sub of [...this.subs.values()]) {
      if (sub.state === 'closed') continue;
      const decision = await this.allowed(current, sub.msg);
      if (!decision.allowed && !this.closed && this.subs.get(sub.id) === sub) {
        this.failSubscription(sub, 'FORBIDDEN', `access revoked: ${decision.reason}`);
      }
    }
  }

  private sendRaw(frame: string): boolean {
    if (this.closed) return false;
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      this.tooSlow();
      return false;
    }
    this.socket.send(frame);
    return true;
  }

  private sendError(error: Omit<WatchError, 'type'>): void {
    this.sendRaw(JSON.stringify({ type: 'error', ...error }));
  }

  /** what a slow client may have waiting for it, on the socket or queued behind a snapshot */
  get maxBufferedBytes(): number {
    return this.opts.hub.options.maxBufferedBytes ?? 16 * 1024 * 1024;
  }

  private tooSlow(): void {
    if (this.closed) return;
    this.opts.hub.metrics.slowClientsDropped.inc();
    this.socket.close(WatchCloseCode.TooSlow, 'client too slow: reconnect and subscribe again');
    // The close frame queues behind the backlog; do not wait for a client that is not reading.
    setTimeout(() => this.socket.terminate(), 1000).unref();
    this.shutdown();
  }

  private onMessage(text: string | null): void {
    let msg: unknown;
    try {
      msg = text === null ? undefined : JSON.parse(text);
    } catch {
      msg = undefined;
    }
    if (!Value.Check(WatchClientMessageSchema, msg)) {
      const first = msg === undefined ? undefined : [...Value.Errors(WatchClientMessageSchema, msg)][0];
      this.sendError({
        code: 'INVALID_MESSAGE',
        message: first ? `invalid message at ${first.path || '/'}: ${first.message}` : 'frames must be JSON text messages',
        fatal: false,
      });
      return;
    }
    const m = msg as WatchClientMessage;
    if (m.type === 'unsubscribe') this.unsubscribe(m.id);
    else this.subscribe(m).catch((err: Error) => this.sendError({ id: m.id, code: 'SUBSCRIBE_FAILED', message: err.message, fatal: true }));
  }

  private unsubscribe(id: string): void {
    const sub = this.subs.get(id);
    if (!sub) return;
    sub.state = 'closed';
    sub.hub?.close();
    this.subs.delete(id);
  }

  private async subscribe(msg: WatchSubscribe): Promise<void> {
    if (this.subs.has(msg.id)) {
      this.sendError({ id: msg.id, code: 'DUPLICATE_ID', message: `subscription ${msg.id} already exists on this socket`, fatal: true });
      return;
    }
    if (this.subs.size >= (this.opts.maxSubscriptions ?? 200)) {
      this.sendError({ id: msg.id, code: 'TOO_MANY_SUBSCRIPTIONS', message: 'unsubscribe from lists no longer shown first', fatal: true });
      return;
    }
    try {
      // names that a path would resolve away ("..") never reach the authorizer or the cluster
      for (const value of [msg.group || 'core', msg.version, msg.resource, msg.namespace ?? 'all']) pathSegment(value);
    } catch (err) {
      this.sendError({ id: msg.id, code: 'INVALID_KUBERNETES_PATH', message: (err as Error).message, fatal: true });
      return;
    }
    const sub: SessionSubscription = {
      id: msg.id,
      msg,
      state: 'waiting',
      pending: [],
      pendingBytes: 0,
      partialSent: false,
      resetNext: false,
      prefix: `{"type":"event","id":${JSON.stringify(msg.id)},"event":"`,
    };
    this.subs.set(msg.id, sub);

    try {
      await this.opts.resolveCluster(msg.cluster);
      const decision = await this.allowed(this.subject, msg);
      if (!decision.allowed) {
        this.failSubscription(sub, 'FORBIDDEN', decision.reason);
        return;
      }
    } catch (err) {
      const e = err as { code?: unknown; message: string };
      this.failSubscription(sub, typeof e.code === 'string' ? e.code : 'SUBSCRIBE_FAILED', e.message);
      return;
    }
    if (sub.state === 'closed' || this.closed) return;

    try {
      sub.hub = this.subscribeHub(sub, msg);
    } catch (err) {
      // the hub refused to start one more upstream for this user (WatchQuotaError)
      const e = err as { code?: unknown; message: string };
      this.failSubscription(sub, typeof e.code === 'string' ? e.code : 'SUBSCRIBE_FAILED', e.message);
      return;
    }
    if (sub.state !== 'waiting') return;
    if (sub.hub.upstream.synced) void this.sendSnapshot(sub);
    else {
      // A big first list is still paging in: send what came so far, the rest as it arrives.
      const partial = sub.hub.upstream.partialSnapshot();
      if (partial.length) this.sendPartial(sub, partial);
    }
  }

  /** Joins (or starts) the hub's upstream for this subscription, its events routed to the socket. */
  private subscribeHub(sub: SessionSubscription, msg: WatchSubscribe): HubSubscription {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the listener's own methods need the session
    const session = this;
    const key = msg.mode === 'rows' ? 'row' : 'object';
    return this.opts.hub.subscribe(
      { cluster: msg.cluster, group: msg.group, version: msg.version, resource: msg.resource, namespace: msg.namespace, labelSelector: msg.labelSelector, fieldSelector: msg.fieldSelector, mode: msg.mode },
      {
        synced() {
          if (sub.state !== 'waiting') return;
          if (!sub.partialSent) return void session.sendSnapshot(sub);
          // Every listed page went out already: close the snapshot, events follow.
          const rv = sub.hub!.upstream.lastResourceVersion ?? '';
          if (session.sendRaw(session.snapshotFrame(sub, [], rv, true))) sub.state = 'live';
        },
        page(jsons: string[]) {
          if (sub.state === 'waiting') session.sendPartial(sub, jsons);
        },
        restart() {
          if (sub.state !== 'waiting' || !sub.partialSent) return;
          sub.partialSent = false;
          sub.resetNext = true;
        },
        event(type: WatchEventType, json: string) {
          if (sub.state === 'waiting' || sub.state === 'closed') return;
          const frame = `${sub.prefix}${type}","${key}":${json}}`;
          if (sub.state === 'snapshot') {
            sub.pending.push(frame);
            sub.pendingBytes += frame.length;
            // held while the snapshot goes out: bounded like the socket's own buffer
            if (sub.pending.length > (session.opts.maxPendingEvents ?? 100_000) || sub.pendingBytes > session.maxBufferedBytes) session.tooSlow();
            return;
          }
          if (session.sendRaw(frame)) session.opts.hub.metrics.eventsSent.inc();
        },
        error(code: string, message: string, fatal: boolean) {
          if (sub.state === 'closed') return;
          if (fatal) session.failSubscription(sub, code, message);
          else session.sendError({ id: sub.id, code, message, fatal: false });
        },
      },
      this.subject.userId,
    );
  }

  /** One snapshot frame, spliced from the cached JSON strings. */
  snapshotFrame(sub: SessionSubscription, items: string[], rv: string, complete: boolean): string {
    const columns = sub.hub!.upstream.columns;
    const reset = sub.resetNext ? ',"reset":true' : '';
    sub.resetNext = false;
    const field = sub.msg.mode === 'rows' ? 'rows' : 'items';
    return `{"type":"snapshot","id":${JSON.stringify(sub.id)},"resourceVersion":${JSON.stringify(rv)}${
      columns ? `,"columns":${JSON.stringify(columns)}` : ''
    }${reset},"${field}":[${items.join(',')}],"complete":${complete}}`;
  }

  private *chunks(items: string[]): Generator<string[]> {
    const chunkBytes = this.opts.snapshotChunkBytes ?? 256 * 1024;
    let i = 0;
    do {
      let size = 0;
      const start = i;
      while (i < items.length && (i === start || size < chunkBytes)) size += items[i++]!.length + 1;
      yield items.slice(start, i);
    } while (i < items.length);
  }

  /** Incomplete snapshot chunks while the first list pages in; the list's pace paces them. */
  sendPartial(sub: SessionSubscription, items: string[]): void {
    for (const chunk of this.chunks(items)) if (!this.sendRaw(this.snapshotFrame(sub, chunk, '', false))) return;
    sub.partialSent = true;
  }

  private failSubscription(sub: SessionSubscription, code: string, message: string): void {
    // unsubscribed meanwhile: its id may belong to a newer subscription, which this must not end
    if (sub.state === 'closed') return;
    this.sendError({ id: sub.id, code, message, fatal: true });
    sub.state = 'closed';
    sub.hub?.close();
    if (this.subs.get(sub.id) === sub) this.subs.delete(sub.id);
  }

  private async waitForDrain(): Promise<void> {
    while (!this.closed && this.socket.bufferedAmount > LOW_WATER) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Sends the cache as it is now in frames of about snapshotChunkBytes, then queued events. */
  private async sendSnapshot(sub: SessionSubscription): Promise<void> {
    const upstream = sub.hub!.upstream as UpstreamWatch;
    sub.state = 'snapshot';
    const items = upstream.snapshot();
    const rv = upstream.lastResourceVersion ?? '';
    const chunks = [...this.chunks(items)];
    for (const [n, chunk] of chunks.entries()) {
      const complete = n === chunks.length - 1;
      if (sub.state !== 'snapshot' || !this.sendRaw(this.snapshotFrame(sub, chunk, rv, complete))) return;
      if (!complete) await this.waitForDrain();
    }
    if (sub.state !== 'snapshot') return;
    sub.state = 'live';
    const pending = sub.pending;
    sub.pending = [];
    sub.pendingBytes = 0;
    for (const frame of pending) if (this.sendRaw(frame)) this.opts.hub.metrics.eventsSent.inc();
  }

  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    this.opts.onShutdown?.();
    for (const sub of this.subs.values()) {
      sub.state = 'closed';
      sub.hub?.close();
    }
    this.subs.clear();
  }
}
