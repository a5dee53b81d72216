// Writes and reads the audit log. Writing never fails the request it describes: a database error
// is logged and the entry dropped (the request already happened; refusing it afterwards helps nobody).
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { AuditAction, AuditEntry, AuditOutcome, AuditPage, AuditQuery, ExecSessionRecord } from '@k8s-console/contracts';
import type { Database } from '../db/schema.js';
import { ApiError } from '../errors/api-error.js';
import type { AuditLogTable } from './audit-table.js';

/** What callers record; the log fills in id and time. */
export interface AuditRecordInput {
  action: AuditAction;
  outcome: AuditOutcome;
  userId?: string | null;
  username?: string | null;
  address?: string | null;
  clusterId?: string | null;
  namespace?: string | null;
  apiGroup?: string | null;
  /** plural resource, with its subresource: 'pods/exec' */
  resource?: string | null;
  name?: string | null;
  verb?: string | null;
  status?: number | null;
  detail?: string | null;
  time?: Date;
}

/** The streams domain hands over a finished exec session as it is. */
export type ExecSessionAuditInput = ExecSessionRecord & { action: 'pods/exec' };

const clip = (value: string | null | undefined, max: number): string | null =>
  value === undefined || value === null || value === '' ? null : value.length > max ? `${value.slice(0, max - 1)}…` : value;

export function fromExecSession(e: ExecSessionAuditInput): AuditRecordInput {
  const command = e.command.map((c) => (/\s/.test(c) ? JSON.stringify(c) : c)).join(' ');
  const parts = [
    e.container ? `container ${e.container}` : null,
    `command: ${command}`,
    e.tty ? 'tty' : null,
    `started ${e.startedAt}`,
    // the start record (endedAt null) says the process is running; the end record why it stopped
    e.endedAt === null ? 'running' : `ended: ${e.endReason}`,
    e.exitCode !== null ? `exit code ${e.exitCode}` : null,
  ].filter(Boolean);
  const failed = e.endReason === 'upstream-error' || (e.exitCode !== null && e.exitCode !== 0);
  return {
    action: 'exec',
    outcome: failed ? 'failure' : 'success',
    userId: e.userId,
    username: e.username,
    address: e.address ?? null,
    clusterId: e.clusterId,
    namespace: e.namespace,
    apiGroup: '',
    resource: 'pods/exec',
    name: e.pod,
    verb: 'create',
    detail: parts.join(', '),
    time: new Date(e.endedAt ?? e.startedAt),
  };
}

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: row.id,
    time: row.time,
    action: row.action as AuditAction,
    outcome: row.outcome as AuditOutcome,
    userId: row.user_id,
    username: row.username,
    address: row.address,
    clusterId: row.cluster_id,
    namespace: row.namespace,
    apiGroup: row.api_group,
    resource: row.resource,
    name: row.name,
    verb: row.verb,
    status: row.status,
    detail: row.detail,
  };
}

function encodeCursor(row: { time: string; id: string }): string {
  return Buffer.from(`${row.time}|${row.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { time: string; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const [time, id, ...rest] = text.split('|');
  if (!time || !id || rest.length || Number.isNaN(Date.parse(time))) {
    throw ApiError.badRequest('INVALID_CURSOR', 'cursor is not one this server returned; start again without it', 'cursor');
  }
  return { time, id };
}

/**
 * A query's time as the records store theirs (ISO, UTC). The schema's date-time format lets through
 * what Date cannot hold (a leap second, 23:59:60): refused at the field, not a 500.
 */
function instant(value: string, field: 'since' | 'until'): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw ApiError.badRequest('VALIDATION_FAILED', `${field} must be a date and time such as 2026-03-01T12:00:00Z`, field);
  return new Date(ms).toISOString();
}

export interface AuditLogOptions {
  onError?: (err: unknown, entry: AuditRecordInput) => void;
  now?: () => number;
}

export class AuditLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: AuditLogOptions = {},
  ) {}

  private readonly pending = new Set<Promise<void>>();

  record(input: AuditRecordInput | ExecSessionAuditInput): Promise<void> {
    const write = this.write(input);
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
    return write;
  }

  /** Waits for the records being written (at shutdown, and in tests before reading). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async write(input: AuditRecordInput | ExecSessionAuditInput): Promise<void> {
    const entry = input.action === 'pods/exec' ? fromExecSession(input) : input;
    try {
      await this.db
        .insertInto('audit_log')
        .values({
          id: randomUUID(),
          time: (entry.time ?? new Date(this.options.now?.() ?? Date.now())).toISOString(),
          action: entry.action,
          outcome: entry.outcome,
          user_id: clip(entry.userId, 64),
          username: clip(entry.username, 256),
          address: clip(entry.address, 64),
          cluster_id: clip(entry.clusterId, 253),
          namespace: clip(entry.namespace, 253),
          api_group: entry.apiGroup === undefined ? null : (entry.apiGroup ?? null),
          resource: clip(entry.resource, 253),
          name: clip(entry.name, 253),
          verb: clip(entry.verb, 64),
          status: entry.status ?? null,
          detail: clip(entry.detail, 1024),
        })
        .execute();
    } catch (err) {
      this.options.onError?.(err, entry);
    }
  }

  /** Newest first; `next` continues after the last item. */
  async query(q: AuditQuery): Promise<AuditPage> {
    const limit = q.limit ?? 100;
    let sel = this.db.selectFrom('audit_log').selectAll();
    if (q.username) sel = sel.where('username', '=', q.username);
    if (q.action) sel = sel.where('action', '=', q.action);
    if (q.outcome) sel = sel.where('outcome', '=', q.outcome);
    if (q.cluster) sel = sel.where('cluster_id', '=', q.cluster);
    if (q.namespace) sel = sel.where('namespace', '=', q.namespace);
    if (q.resource) sel = sel.where('resource', '=', q.resource);
    if (q.verb) sel = sel.where('verb', '=', q.verb);
    if (q.since) sel = sel.where('time', '>=', instant(q.since, 'since'));
    if (q.until) sel = sel.where('time', '<', instant(q.until, 'until'));
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      sel = sel.where((eb) => eb.or([eb('time', '<', c.time), eb.and([eb('time', '=', c.time), eb('id', '<', c.id)])]));
    }
    const rows = await sel.orderBy('time', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toEntry), next: rows.length > limit && last ? encodeCursor(last) : null };
  }

  /** Deletes records older than the retention; returns how many. */
  async deleteOlderThan(days: number): Promise<number> {
    const cutoff = new Date((this.options.now?.() ?? Date.now()) - days * 86_400_000).toISOString();
    const res = await this.db.deleteFrom('audit_log').where('time', '<', cutoff).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
