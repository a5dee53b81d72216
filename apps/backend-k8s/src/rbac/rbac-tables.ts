// Table shapes of console RBAC (migration 0100), added to the foundation's Database type.
import type { Generated } from 'kysely';

export interface RolesTable {
  id: string;
  name: string;
  description: string;
  /** JSON array of PolicyRule */
  rules: string;
  built_in: number;
  created_at: string;
  updated_at: string;
}

export interface RoleBindingsTable {
  id: string;
  role_id: string;
  subject_kind: 'user' | 'group';
  subject_name: string;
  created_at: string;
}

declare module '../db/schema.js' {
  interface Database {
    roles: RolesTable;
    role_bindings: RoleBindingsTable;
  }
  interface UsersTable {
    /** 'local' (password) or 'sso' (created by a host application's sign-on) */
    source: Generated<string>;
    updated_at: string | null;
  }
}
