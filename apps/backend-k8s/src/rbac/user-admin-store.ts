// Users as administrators see them (the admin pages): list, create with a password and roles,
// change groups, disable, reset a password, delete. Passwords are hashed by auth/password-hash.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { User } from '@k8s-console/contracts';
import type { Database, UsersTable } from '../db/schema.js';
import { ApiError } from '../errors/api-error.js';
import { hashPassword } from '../auth/password-hash.js';
import { isUniqueViolation, parseGroups } from './rbac-store.js';
import './rbac-tables.js';
import '../auth/tokens/refresh-tokens-table.js';

/** A password hash no password matches: users who sign in through the host application. */
export const NO_PASSWORD = '!sso';

export function toAdminUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    username: row.username,
    groups: parseGroups(row.groups),
    disabled: row.disabled !== 0,
    source: row.source === 'sso' ? 'sso' : 'local',
    createdAt: row.created_at,
    updatedAt: row.updated_at ?? row.created_at,
  };
}

export class UserAdminStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** told after a user changed or was deleted (kept rows are forgotten, their sessions checked again) */
    private readonly onChange: () => void = () => {},
  ) {}

  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(toAdminUser);
  }

  async get(id: string): Promise<User> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw ApiError.notFound('user', id);
    return toAdminUser(row);
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row ? toAdminUser(row) : undefined;
  }

  async create(input: { username: string; password: string | null; groups: string[]; source: 'local' | 'sso' }): Promise<User> {
    const now = new Date().toISOString();
    const id = randomUUID();
    try {
      await this.db
        .insertInto('users')
        .values({
          id,
          username: input.username,
          password_hash: input.password === null ? NO_PASSWORD : await hashPassword(input.password),
          groups: JSON.stringify([...new Set(input.groups)]),
          source: input.source,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw ApiError.conflict('USER_EXISTS', `a user named ${JSON.stringify(input.username)} exists already`, 'username');
      throw err;
    }
    return this.get(id);
  }

  async update(id: string, change: { groups?: string[]; disabled?: boolean; password?: string }): Promise<User> {
    await this.get(id);
    await this.db
      .updateTable('users')
      .set({
        ...(change.groups !== undefined ? { groups: JSON.stringify([...new Set(change.groups)]) } : {}),
        ...(change.disabled !== undefined ? { disabled: change.disabled ? 1 : 0 } : {}),
        ...(change.password !== undefined ? { password_hash: await hashPassword(change.password) } : {}),
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    this.onChange();
    return this.get(id);
  }

  async delete(id: string): Promise<User> {
    const user = await this.get(id);
    await this.db.deleteFrom('refresh_tokens').where('user_id', '=', id).execute();
    await this.db.deleteFrom('users').where('id', '=', id).execute();
    this.onChange();
    return user;
  }
}
