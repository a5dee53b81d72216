// Endpoints of console administration (users, roles, role bindings, audit) and the signed-in
// user's own password change. The admin pages are their only callers.
import type {
  AuditPage,
  AuditQuery,
  LoginResponse,
  PasswordChange,
  Role,
  RoleBinding,
  RoleBindingCreate,
  RoleCreate,
  RoleUpdate,
  User,
  UserCreate,
  UserUpdate,
} from '@k8s-console/contracts';
import type { ApiClient } from './client';

const id = (value: string) => encodeURIComponent(value);

export function usersApi(client: ApiClient) {
  return {
    list: async () => (await client.get<{ items: User[] }>('/v1/users')).items,
    create: (input: UserCreate) => client.post<User>('/v1/users', input),
    update: (userId: string, input: UserUpdate) => client.patch<User>(`/v1/users/${id(userId)}`, input),
    remove: (userId: string) => client.delete<void>(`/v1/users/${id(userId)}`),
  };
}

export function rolesApi(client: ApiClient) {
  return {
    list: async () => (await client.get<{ items: Role[] }>('/v1/roles')).items,
    create: (input: RoleCreate) => client.post<Role>('/v1/roles', input),
    update: (roleId: string, input: RoleUpdate) => client.patch<Role>(`/v1/roles/${id(roleId)}`, input),
    remove: (roleId: string) => client.delete<void>(`/v1/roles/${id(roleId)}`),
  };
}

export function roleBindingsApi(client: ApiClient) {
  return {
    list: async () => (await client.get<{ items: RoleBinding[] }>('/v1/rolebindings')).items,
    create: (input: RoleBindingCreate) => client.post<RoleBinding>('/v1/rolebindings', input),
    remove: (bindingId: string) => client.delete<void>(`/v1/rolebindings/${id(bindingId)}`),
  };
}

export function auditApi(client: ApiClient) {
  return {
    query: (query: AuditQuery, signal?: AbortSignal) =>
      client.get<AuditPage>('/v1/audit', { query: { ...query }, signal }),
  };
}

export function passwordApi(client: ApiClient) {
  return {
    /** Ends every other sign-in; the answer is a fresh token pair for this one. */
    change: (input: PasswordChange) => client.post<LoginResponse>('/v1/me/password', input),
  };
}
