// Slows down password guessing: after a few failures for one user name, or many from one address,
// further attempts are refused (429 with Retry-After) for a lockout that doubles each time, up to
// a cap. Counted per replica in memory; with N replicas an attacker gets at most N times the budget.

export interface LoginThrottleOptions {
  /** failures for one user name before it is locked */
  maxFailuresPerUser?: number;
  /** failures from one address before it is locked */
  maxFailuresPerAddress?: number;
  /** window in which failures count */
  windowMs?: number;
  /** first lockout; each further lockout doubles it */
  baseLockoutMs?: number;
  maxLockoutMs?: number;
  maxKeys?: number;
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
  private readonly counters = new Map<string, Counter>();
  private readonly o: Required<Omit<LoginThrottleOptions, 'now'>> & { now: () => number };

  constructor(options: LoginThrottleOptions = {}) {
    this.o = {
      maxFailuresPerUser: options.maxFailuresPerUser ?? 5,
      maxFailuresPerAddress: options.maxFailuresPerAddress ?? 30,
      windowMs: options.windowMs ?? 15 * 60_000,
      baseLockoutMs: options.baseLockoutMs ?? 60_000,
      maxLockoutMs: options.maxLockoutMs ?? 30 * 60_000,
      maxKeys: options.maxKeys ?? 100_000,
      now: options.now ?? Date.now,
    };
  }

  private key(kind: 'user' | 'address', value: string): string {
    return `${kind}:${kind === 'user' ? value.toLowerCase() : value}`;
  }

  /** May this attempt go ahead? Ask before checking the password. */
  check(username: string, address: string): ThrottleVerdict {
    const now = this.o.now();
    for (const kind of ['user', 'address'] as const) {
      const c = this.counters.get(this.key(kind, kind === 'user' ? username : address));
      if (c && c.lockedUntil > now) {
        return { allowed: false, retryAfterSeconds: Math.ceil((c.lockedUntil - now) / 1000), limitedBy: kind };
      }
    }
    return { allowed: true, retryAfterSeconds: 0 };
  }

  recordFailure(username: string, address: string): void {
    this.bump(this.key('user', username), this.o.maxFailuresPerUser);
    this.bump(this.key('address', address), this.o.maxFailuresPerAddress);
  }

  /** A successful sign-in clears the user's count (not the address's: one address may try many users). */
  recordSuccess(username: string): void {
    this.counters.delete(this.key('user', username));
  }

  private bump(key: string, limit: number): void {
    const now = this.o.now();
    if (this.counters.size >= this.o.maxKeys) this.evictExpired(now);
    let c = this.counters.get(key);
    if (!c || (now - c.windowStart > this.o.windowMs && c.lockedUntil <= now)) {
      c = { failures: 0, windowStart: now, lockouts: c?.lockouts ?? 0, lockedUntil: 0 };
      this.counters.set(key, c);
    }
    c.failures += 1;
    if (c.failures >= limit) {
      c.lockedUntil = now + Math.min(this.o.baseLockoutMs * 2 ** c.lockouts, this.o.maxLockoutMs);
      c.lockouts += 1;
      c.failures = 0;
      c.windowStart = now;
    }
  }

  private evictExpired(now: number): void {
    for (const [key, c] of this.counters) {
      if (c.lockedUntil <= now && now - c.windowStart > this.o.windowMs) this.counters.delete(key);
    }
    // Still full (a flood of distinct names): start over rather than grow without bound.
    if (this.counters.size >= this.o.maxKeys) this.counters.clear();
  }
}
