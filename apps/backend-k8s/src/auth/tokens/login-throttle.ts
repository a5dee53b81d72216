// Slows down password guessing: after a few attempts for one user name, or many from one address,
// that did not end in a sign-in, further attempts are refused (429 with Retry-After) for a lockout
// that doubles each time, up to a cap. Counted in the database (table login_throttle), so every
// replica shares one budget.
import type { Kysely } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

export interface LoginThrottleTable {
  key: string;
  failures: number;
  /** epoch ms; bigint comes back from PostgreSQL as a string */
  window_start: number | string;
  lockouts: number;
  locked_until: number | string;
}

declare module '../../db/schema.js' {
  interface Database {
    login_throttle: LoginThrottleTable;
  }
}

export interface LoginThrottleOptions {
  /** attempts for one user name (not ended by a sign-in) before it is locked */
  maxFailuresPerUser?: number;
  /** failed attempts from one address before it is locked */
  maxFailuresPerAddress?: number;
  /** window in which failures count */
  windowMs?: number;
  /** first lockout; each further lockout doubles it */
  baseLockoutMs?: number;
  maxLockoutMs?: number;
  now?: () => number;
}

interface Counter {
  failures: number;
  windowStart: number;
  lockouts: number;
  lockedUntil: number;
}

export interface ThrottleVerdict {
  allowed: boolean;
  /** whole seconds until a new attempt may succeed (0 when allowed) */
  retryAfterSeconds: number;
  /** which limit applies: 'user' or 'address' */
  limitedBy?: 'user' | 'address';
}

export class LoginThrottle {
  private readonly o: Required<Omit<LoginThrottleOptions, 'now'>> & { now: () => number };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    options: LoginThrottleOptions = {},
  ) {
    this.o = {
      maxFailuresPerUser: options.maxFailuresPerUser ?? 5,
      maxFailuresPerAddress: options.maxFailuresPerAddress ?? 30,
      windowMs: options.windowMs ?? 15 * 60_000,
      baseLockoutMs: options.baseLockoutMs ?? 60_000,
      maxLockoutMs: options.maxLockoutMs ?? 30 * 60_000,
      now: options.now ?? Date.now,
    };
  }

  private key(kind: 'user' | 'address', value: string): string {
    return `${kind}:${kind === 'user' ? value.toLowerCase() : value}`.slice(0, 300);
  }

  /**
   * Counts an attempt before its password is checked, and says whether it may go ahead. Counting
   * first (in one transaction per count) is what makes the limit hold for attempts sent in
   * parallel: checking first and counting the failure after the ~50 ms hash let every attempt of
   * a burst through. The attempt after the last one allowed starts the lockout.
   */
  async attempt(username: string, address: string): Promise<ThrottleVerdict> {
    const user = await this.bump(this.key('user', username), this.o.maxFailuresPerUser);
    if (!user.allowed) return { ...user, limitedBy: 'user' };
    const byAddress = await this.bump(this.key('address', address), this.o.maxFailuresPerAddress);
    if (!byAddress.allowed) return { ...byAddress, limitedBy: 'address' };
    return { allowed: true, retryAfterSeconds: 0 };
  }

  /**
   * A successful sign-in clears the user's count, and takes its attempt off the address's (one
   * address may sign in many users, so its count keeps the failures only). `attempted`: false
   * for a sign-in that counted no attempt (SSO).
   */
  async recordSuccess(username: string, address: string, attempted = true): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('key', '=', this.key('user', username)).execute();
    if (!attempted) return;
    await this.db
      .updateTable('login_throttle')
      .set((eb) => ({ failures: eb('failures', '-', 1) }))
      .where('key', '=', this.key('address', address))
      .where('failures', '>', 0)
      .execute();
  }

  /** Deletes counts that neither lock nor count any more. */
  async deleteExpired(): Promise<number> {
    const now = this.o.now();
    const res = await this.db
      .deleteFrom('login_throttle')
      .where('locked_until', '<=', now)
      .where('window_start', '<', now - this.o.windowMs)
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  private async bump(key: string, limit: number): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
    const now = this.o.now();
    // One transaction per count, the row locked while it is read and written: concurrent attempts
    // on several replicas are all counted. The row is created first so there is one to lock.
    return this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('login_throttle')
        .values({ key, failures: 0, window_start: now, lockouts: 0, locked_until: 0 })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      let read = tx.selectFrom('login_throttle').selectAll().where('key', '=', key);
      // SQLite has no row locks (its write transaction is the lock); PostgreSQL needs one
      if (this.dialect === 'postgres') read = read.forUpdate();
      const row = await read.executeTakeFirstOrThrow();
      let c: Counter = { failures: row.failures, windowStart: Number(row.window_start), lockouts: row.lockouts, lockedUntil: Number(row.locked_until) };
      if (c.lockedUntil > now) return { allowed: false, retryAfterSeconds: Math.ceil((c.lockedUntil - now) / 1000) };
      if (now - c.windowStart > this.o.windowMs) c = { failures: 0, windowStart: now, lockouts: c.lockouts, lockedUntil: 0 };
      c.failures += 1;
      let allowed = true;
      if (c.failures > limit) {
        allowed = false;
        c.lockedUntil = now + Math.min(this.o.baseLockoutMs * 2 ** c.lockouts, this.o.maxLockoutMs);
        c.lockouts += 1;
        c.failures = 0;
        c.windowStart = now;
      }
      await tx
        .updateTable('login_throttle')
        .set({ failures: c.failures, window_start: c.windowStart, lockouts: c.lockouts, locked_until: c.lockedUntil })
        .where('key', '=', key)
        .execute();
      return { allowed, retryAfterSeconds: allowed ? 0 : Math.ceil((c.lockedUntil - now) / 1000) };
    });
  }
}
