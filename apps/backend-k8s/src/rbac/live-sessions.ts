// Sockets outlive the check made when they opened: a watch subscription, a log stream or a
// terminal would otherwise go on after its user was disabled or lost the role that allowed it.
// Each open one registers here and is checked again: at once after a change to users, roles or
// bindings on this replica, and every interval for changes made on a sibling replica (which this
// replica's authorizer picks up when its cache entry expires). A check re-reads the user: a user
// gone or disabled ends every session of theirs; otherwise each session re-authorizes what it
// holds with the user's current groups and ends what is no longer allowed. Ending every sign-in of
// a user (a password change or reset) ends their sessions too (endUser).
import type { FastifyBaseLogger } from 'fastify';
import type { Subject } from './authorizer.js';

export interface LiveSession {
  readonly subject: Subject;
  /** checks again with the user as they are now; null: the user no longer exists or is disabled */
  recheck(current: Subject | null): Promise<void>;
  /** ends the session, telling the user why */
  end(reason: string): void;
}

/** The user behind a session as the store has them now: null when gone or disabled. */
export type CurrentSubject = (userId: string) => Promise<Subject | null>;

export class LiveSessions {
  private readonly sessions = new Set<LiveSession>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly currentSubject: CurrentSubject,
    private readonly log?: FastifyBaseLogger,
  ) {}

  /** Registers a session; call the returned function when it ends. */
  add(session: LiveSession): () => void {
    this.sessions.add(session);
    return () => void this.sessions.delete(session);
  }

  /** Ends every session of a user at once (their sign-ins were ended: password changed or reset). */
  endUser(userId: string, reason: string): void {
    for (const session of [...this.sessions]) if (session.subject.userId === userId) session.end(reason);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Checks every session every intervalMs until stop(). */
  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.recheckAll(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Checks every session now. One pass runs at a time; a call during a pass queues one more pass
   * (the change that caused it may have come after the running pass read its user).
   */
  recheckAll(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass();
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    const byUser = new Map<string, LiveSession[]>();
    for (const session of this.sessions) {
      const list = byUser.get(session.subject.userId);
      if (list) list.push(session);
      else byUser.set(session.subject.userId, [session]);
    }
    for (const [userId, sessions] of byUser) {
      let current: Subject | null;
      try {
        current = await this.currentSubject(userId);
      } catch (err) {
        // the store is unreachable: keep the sessions, the next pass tries again
        this.log?.warn({ err: (err as Error).message, userId }, 'could not re-check open sessions');
        continue;
      }
      await Promise.all(
        sessions.map((session) =>
          session.recheck(current).catch((err: Error) => this.log?.warn({ err: err.message, userId }, 're-checking an open session failed')),
        ),
      );
    }
  }
}
