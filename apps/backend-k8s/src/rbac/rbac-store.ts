// Roles and role bindings in the database, and the rules a subject gets from them. Every change
// calls onChange so the authorizer's cache forgets what it knew.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { PolicyRule, Role, RoleBinding, RoleCreate, RoleUpdate, SubjectKind } from '@k8s-console/contracts';
import { ApiError } from '../errors/api-error.js';
import type { Database } from '../db/schema.js';
import type { Subject } from './authorizer.js';
import { BUILT_IN_ROLE_DEFINITIONS } from './built-in-roles.js';
import type { EffectiveRules } from './rbac-authorizer.js';
import type { RolesTable } from './rbac-tables.js';
import { ruleProblem } from './rules.js';

function toRole(row: Selectable<RolesTable>): Role {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    rules: JSON.parse(row.rules) as PolicyRule[],
    builtIn: row.built_in === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function checkRules(rules: PolicyRule[]): void {
  rules.forEach((rule, i) => {
    const problem = ruleProblem(rule);
    if (problem) throw ApiError.badRequest('INVALID_RULE', `rules[${i}]: ${problem.message}`, `rules.${i}.${problem.field}`);
  });
}

/** Unique-constraint violations on SQLite and PostgreSQL. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e.message ?? '');
}

export function parseGroups(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : [];
  } catch {
    return [];
  }
}

export class RbacStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly onChange: () => void = () => {},
  ) {}

  /** Tells the authorizer that something it depends on changed elsewhere (a user's groups or state). */
  touch(): void {
    this.onChange();
  }

  /** Inserts the built-in roles, or brings their rules up to date with the code. Safe to run on every replica at once. */
  async ensureBuiltInRoles(): Promise<void> {
    const now = new Date().toISOString();
    for (const def of BUILT_IN_ROLE_DEFINITIONS) {
      const rules = JSON.stringify(def.rules);
      await this.db
        .insertInto('roles')
        .values({ id: randomUUID(), name: def.name, description: def.description, rules, built_in: 1, created_at: now, updated_at: now })
        .onConflict((oc) => oc.column('name').doUpdateSet({ description: def.description, rules, built_in: 1 }))
        .execute();
    }
    this.onChange();
  }

  async listRoles(): Promise<Role[]> {
    const rows = await this.db.selectFrom('roles').selectAll().orderBy('name').execute();
    return rows.map(toRole);
  }

  async getRole(id: string): Promise<Role> {
    const row = await this.db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw ApiError.notFound('role', id);
    return toRole(row);
  }

  async roleByName(name: string): Promise<Role | undefined> {
    const row = await this.db.selectFrom('roles').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toRole(row) : undefined;
  }

  async createRole(input: RoleCreate): Promise<Role> {
    checkRules(input.rules);
    const now = new Date().toISOString();
    const row = {
      id: randomUUID(),
      name: input.name,
      description: input.description ?? '',
      rules: JSON.stringify(input.rules),
      built_in: 0,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('roles').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw ApiError.conflict('ROLE_EXISTS', `a role named ${JSON.stringify(input.name)} exists already`, 'name');
      throw err;
    }
    this.onChange();
    return toRole(row);
  }

  async updateRole(id: string, input: RoleUpdate): Promise<Role> {
    const role = await this.getRole(id);
    if (role.builtIn) throw new ApiError(403, 'BUILT_IN_ROLE', `the built-in role ${role.name} cannot be changed; create a role of your own`);
    if (input.rules) checkRules(input.rules);
    await this.db
      .updateTable('roles')
      .set({
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.rules !== undefined ? { rules: JSON.stringify(input.rules) } : {}),
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    this.onChange();
    return this.getRole(id);
  }

  /** Deletes a role and, by cascade, its bindings. */
  async deleteRole(id: string): Promise<Role> {
    const role = await this.getRole(id);
    if (role.builtIn) throw new ApiError(403, 'BUILT_IN_ROLE', `the built-in role ${role.name} cannot be deleted`);
    await this.db.deleteFrom('role_bindings').where('role_id', '=', id).execute();
    await this.db.deleteFrom('roles').where('id', '=', id).execute();
    this.onChange();
    return role;
  }

  async listBindings(filter: { roleId?: string; subjectKind?: SubjectKind; subjectName?: string } = {}): Promise<RoleBinding[]> {
    let q = this.db
      .selectFrom('role_bindings as b')
      .innerJoin('roles as r', 'r.id', 'b.role_id')
      .select(['b.id', 'b.role_id', 'r.name as role_name', 'b.subject_kind', 'b.subject_name', 'b.created_at']);
    if (filter.roleId) q = q.where('b.role_id', '=', filter.roleId);
    if (filter.subjectKind) q = q.where('b.subject_kind', '=', filter.subjectKind);
    if (filter.subjectName) q = q.where('b.subject_name', '=', filter.subjectName);
    const rows = await q.orderBy('b.subject_kind').orderBy('b.subject_name').orderBy('r.name').execute();
    return rows.map((r) => ({
      id: r.id,
      roleId: r.role_id,
      roleName: r.role_name,
      subjectKind: r.subject_kind,
      subjectName: r.subject_name,
      createdAt: r.created_at,
    }));
  }

  async getBinding(id: string): Promise<RoleBinding> {
    const all = await this.listBindings();
    const found = all.find((b) => b.id === id);
    if (!found) throw ApiError.notFound('role binding', id);
    return found;
  }

  async createBinding(input: { roleId: string; subjectKind: SubjectKind; subjectName: string }): Promise<RoleBinding> {
    const role = await this.db.selectFrom('roles').select(['id', 'name']).where('id', '=', input.roleId).executeTakeFirst();
    if (!role) throw new ApiError(400, 'ROLE_NOT_FOUND', `role ${JSON.stringify(input.roleId)} does not exist`, 'roleId');
    const row = { id: randomUUID(), role_id: role.id, subject_kind: input.subjectKind, subject_name: input.subjectName, created_at: new Date().toISOString() };
    try {
      await this.db.insertInto('role_bindings').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw ApiError.conflict('BINDING_EXISTS', `${input.subjectKind} ${JSON.stringify(input.subjectName)} is bound to ${role.name} already`);
      }
      throw err;
    }
    this.onChange();
    return { id: row.id, roleId: role.id, roleName: role.name, subjectKind: row.subject_kind, subjectName: row.subject_name, createdAt: row.created_at };
  }

  /** Binds a role by name unless that binding exists; for start-up and sign-on. */
  async ensureBinding(roleName: string, subjectKind: SubjectKind, subjectName: string): Promise<void> {
    const role = await this.roleByName(roleName);
    if (!role) throw new Error(`role ${roleName} does not exist`);
    await this.db
      .insertInto('role_bindings')
      .values({ id: randomUUID(), role_id: role.id, subject_kind: subjectKind, subject_name: subjectName, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.columns(['role_id', 'subject_kind', 'subject_name']).doNothing())
      .execute();
    this.onChange();
  }

  async deleteBinding(id: string): Promise<RoleBinding> {
    const binding = await this.getBinding(id);
    await this.db.deleteFrom('role_bindings').where('id', '=', id).execute();
    this.onChange();
    return binding;
  }

  /** Removes every binding naming a user (when the user is deleted). */
  async deleteUserBindings(username: string): Promise<void> {
    await this.db.deleteFrom('role_bindings').where('subject_kind', '=', 'user').where('subject_name', '=', username).execute();
    this.onChange();
  }

  /**
   * The rules bound to a subject. Its name, groups and state are read from the users table, not
   * from the token: a disabled user, or one whose groups an admin changed, is judged as they are now.
   */
  async rulesForSubject(subject: Subject): Promise<EffectiveRules> {
    const user = await this.db
      .selectFrom('users')
      .select(['username', 'groups', 'disabled'])
      .where('id', '=', subject.userId)
      .executeTakeFirst();
    if (!user || user.disabled) return { roles: [], rules: [] };
    return this.rulesBoundTo(user.username, parseGroups(user.groups));
  }

  /**
   * The rules bound to a user name and groups, whether or not such a user exists or is enabled:
   * what an account with that name and those groups holds (or would hold once created, enabled
   * or given the groups).
   */
  async rulesBoundTo(username: string, groups: readonly string[]): Promise<EffectiveRules> {
    const rows = await this.db
      .selectFrom('role_bindings as b')
      .innerJoin('roles as r', 'r.id', 'b.role_id')
      .select(['r.name', 'r.rules'])
      .where((eb) => {
        const byUser = eb.and([eb('b.subject_kind', '=', 'user'), eb('b.subject_name', '=', username)]);
        if (groups.length === 0) return byUser;
        return eb.or([byUser, eb.and([eb('b.subject_kind', '=', 'group'), eb('b.subject_name', 'in', [...groups])])]);
      })
      .execute();
    const roles = [...new Set(rows.map((r) => r.name))].sort();
    const seen = new Set<string>();
    const rules: PolicyRule[] = [];
    for (const row of rows) {
      if (seen.has(row.name)) continue;
      seen.add(row.name);
      rules.push(...(JSON.parse(row.rules) as PolicyRule[]));
    }
    return { roles, rules };
  }
}
