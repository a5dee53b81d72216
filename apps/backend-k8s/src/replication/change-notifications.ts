// PostgreSQL LISTEN/NOTIFY for cluster changes (the second path after the broadcast, needing no
// peer list) and for changes to users, roles and bindings (so siblings drop their cached rules and
// re-check open sockets at once instead of when the cache expires). Each replica publishes its own changes and listens on a dedicated connection that
// reconnects after errors (and asks for a reconcile then, since notifications sent while it was
// away are lost).
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import type { ClusterChange } from './broadcaster.js';

export const CHANGE_CHANNEL = 'k8s_console_cluster_changed';
export const ACCESS_CHANNEL = 'k8s_console_access_changed';

export interface ChangeNotice extends ClusterChange {
  /** the replica that made the change; it ignores its own notices */
  origin: string;
}

interface NotifyLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg_notify needs no table types
export async function publishChange(db: Kysely<any>, notice: ChangeNotice): Promise<void> {
  await sql`select pg_notify(${CHANGE_CHANNEL}, ${JSON.stringify(notice)})`.execute(db);
}

/** What a sibling tells of users, roles or bindings (what changed is read from the database). */
export interface AccessNotice {
  origin: string;
  /** every sign-in of this user ended: their open sockets end too */
  endedUserId?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg_notify needs no table types
export async function publishAccessChange(db: Kysely<any>, notice: AccessNotice): Promise<void> {
  await sql`select pg_notify(${ACCESS_CHANNEL}, ${JSON.stringify(notice)})`.execute(db);
}

function parseNotice(payload: string | undefined): ChangeNotice | null {
  try {
    const v = JSON.parse(payload ?? '') as Partial<ChangeNotice>;
    if (typeof v.id !== 'string' || typeof v.origin !== 'string' || typeof v.version !== 'number') return null;
    if (v.action !== 'created' && v.action !== 'updated' && v.action !== 'deleted') return null;
    return v as ChangeNotice;
  } catch {
    return null;
  }
}

export interface ChangeListenerOptions {
  connectionString: string;
  origin: string;
  logger: NotifyLogger;
  onChange: (notice: ChangeNotice) => void;
  /** a sibling changed users, roles or bindings */
  onAccessChange?: (change: { endedUserId?: string }) => void;
  /** called after every (re)connection: the time away may have lost notices */
  onConnected: (reconnected: boolean) => void;
  /** first reconnect delay; doubles up to maxBackoffMs */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export class ChangeListener {
  private client: pg.Client | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private everConnected = false;

  constructor(private readonly options: ChangeListenerOptions) {}

  /** Connects in the background; never throws (a database that is down is retried). */
  start(): void {
    void this.connect();
  }

  get connected(): boolean {
    return this.client !== null;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.options.connectionString, keepAlive: true });
    const lost = (err?: Error) => this.lost(client, err);
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => {
      if (msg.channel === ACCESS_CHANNEL) {
        let notice: Partial<AccessNotice> = {};
        try {
          notice = JSON.parse(msg.payload ?? '') as Partial<AccessNotice>;
        } catch {
          // a malformed notice still means something changed: re-checking costs little
        }
        if (notice.origin === this.options.origin) return;
        this.options.onAccessChange?.(typeof notice.endedUserId === 'string' ? { endedUserId: notice.endedUserId } : {});
        return;
      }
      if (msg.channel !== CHANGE_CHANNEL) return;
      const notice = parseNotice(msg.payload);
      if (!notice) {
        this.options.logger.warn({ channel: msg.channel }, 'ignored a malformed change notification');
        return;
      }
      if (notice.origin !== this.options.origin) this.options.onChange(notice);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}; LISTEN ${ACCESS_CHANNEL}`);
    } catch (err) {
      lost(err as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    const reconnected = this.everConnected;
    this.everConnected = true;
    this.failures = 0;
    this.options.logger.info({ channel: CHANGE_CHANNEL, reconnected }, 'listening for cluster change notifications');
    this.options.onConnected(reconnected);
  }

  private lost(client: pg.Client, err?: Error): void {
    client.removeAllListeners('end');
    client.removeAllListeners('error');
    client.on('error', () => {});
    if (this.client === client) this.client = null;
    void client.end().catch(() => {});
    if (this.closed || this.timer) return;
    const base = this.options.backoffMs ?? 500;
    const delay = Math.min(this.options.maxBackoffMs ?? 10_000, base * 2 ** this.failures);
    this.failures++;
    this.options.logger.warn({ err: err?.message ?? 'connection ended', retryInMs: delay }, 'change notification connection lost; reconnecting');
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}
