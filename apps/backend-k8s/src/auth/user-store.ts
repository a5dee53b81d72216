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

export function toUser(row: UserRow): User {
  return { id: row.id, username: row.username, groups: JSON.parse(row.groups) as string[], disabled: row.disabled !== 0, createdAt: row.created_at };
}

export class UserStore {
  // findById runs on every authenticated request: its SQL is compiled once and reused with the
  // id bound, since Kysely's query compilation cost more than SQLite's lookup.
  private byIdQuery: CompiledQuery<UserRow> | undefined;

  constructor(private readonly db: Kysely<Database>) {}

  findByUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async findById(id: string): Promise<UserRow | undefined> {
    this.byIdQuery ??= this.db.selectFrom('users').selectAll().where('id', '=', '').compile();
    const result = await this.db.executeQuery<UserRow>({ ...this.byIdQuery, parameters: [id], queryId: createQueryId() });
    return result.rows[0];
  }

  /** Access tokens of this user issued before now stop working (their sign-ins were ended). */
  async revokeAccessTokens(id: string): Promise<void> {
    await this.db.updateTable('users').set({ tokens_valid_after_ms: Date.now() }).where('id', '=', id).execute();
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
