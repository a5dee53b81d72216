// The users table: local accounts with a password hash and groups.
import { randomUUID } from 'node:crypto';
import { createQueryId, type CompiledQuery, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database, UsersTable } from '../db/schema.js';

export type UserRow = Selectable<UsersTable>;

export interface User {
  id: string;
  username: string;
  groups: string[];
  disabled: boolean;
  createdAt: string;
}

/** Whether an access token issued at `issuedAtMs` was revoked by ending the user's sign-ins. */
export function tokenRevoked(row: UserRow, issuedAtMs: number): boolean {
  // bigint comes back from PostgreSQL as a string
  return row.tokens_valid_after_ms !== null && issuedAtMs < Number(row.tokens_valid_after_ms);
}

// Groups parsed once per row read: a kept row is turned into a user on every proxied request.
const parsedGroups = new WeakMap<UserRow, readonly string[]>();

export function toUser(row: UserRow): User {
  let groups = parsedGroups.get(row);
  if (!groups) parsedGroups.set(row, (groups = JSON.parse(row.groups) as string[]));
  return { id: row.id, username: row.username, groups: [...groups], disabled: row.disabled !== 0, createdAt: row.created_at };
}

/** How long a user row read by id is reused; every change made through the console forgets it at once. */
export const USER_ROW_MAX_AGE_MS = 1000;
const KEPT_ROWS = 10_000;

export class UserStore {
  // findById runs on every authenticated request: its SQL is compiled once and reused with the
  // id bound, since Kysely's query compilation cost more than SQLite's lookup.
  private byIdQuery: CompiledQuery<UserRow> | undefined;
  // ...and its answer is kept for a second: on PostgreSQL the read is a network round trip per
  // proxied request. A change on this replica forgets rows at once (forget(), called by every
  // writer and by the RBAC domain on any change to users), a sibling's change arrives by NOTIFY
  // (replication); the age bounds what a lost notice can leave stale.
  private readonly kept = new Map<string, { row: UserRow | undefined; until: number }>();
  private generation = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxAgeMs = USER_ROW_MAX_AGE_MS,
  ) {}

  /** Forgets the kept row of one user, or of all users. */
  forget(id?: string): void {
    this.generation += 1;
    if (id === undefined) this.kept.clear();
    else this.kept.delete(id);
  }

  findByUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  /**
   * The row findById would give, if this store holds a fresh one (`row` undefined: the user was
   * looked up and does not exist); undefined when it would have to read the database.
   */
  keptById(id: string): { row: UserRow | undefined } | undefined {
    const hit = this.kept.get(id);
    return hit && hit.until > Date.now() ? hit : undefined;
  }

  async findById(id: string): Promise<UserRow | undefined> {
    const now = Date.now();
    const hit = this.kept.get(id);
    if (hit && hit.until > now) return hit.row;
    const generation = this.generation;
    this.byIdQuery ??= this.db.selectFrom('users').selectAll().where('id', '=', '').compile();
    const result = await this.db.executeQuery<UserRow>({ ...this.byIdQuery, parameters: [id], queryId: createQueryId() });
    const row = result.rows[0];
    // a change while reading may not be in this row: do not keep it
    if (generation === this.generation && this.maxAgeMs > 0) {
      if (this.kept.size >= KEPT_ROWS) this.kept.clear();
      this.kept.set(id, { row, until: now + this.maxAgeMs });
    }
    return row;
  }

  /** Access tokens of this user issued before now stop working (their sign-ins were ended). */
  async revokeAccessTokens(id: string): Promise<void> {
    await this.db.updateTable('users').set({ tokens_valid_after_ms: Date.now() }).where('id', '=', id).execute();
    this.forget(id);
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async create(input: { username: string; passwordHash: string; groups: string[] }): Promise<UserRow> {
    const row: Insertable<UsersTable> = {
      id: randomUUID(),
      username: input.username,
      password_hash: input.passwordHash,
      groups: JSON.stringify(input.groups),
      created_at: new Date().toISOString(),
    };
    await this.db.insertInto('users').values(row).execute();
    return (await this.findById(row.id))!;
  }
}
