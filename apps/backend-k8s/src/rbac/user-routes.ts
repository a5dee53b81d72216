// /api/v1/users: the admin pages' users (create, disable, reset password, groups, delete).
// Disabling, resetting a password and deleting end the user's sessions at once.
// Groups carry the roles bound to them, and an account carries the roles bound to its name: so
// giving groups, creating an account, and managing one (password, state, groups, deletion) are
// held to the binding escalation check. Without `bind` on console roles, nobody gives an account
// more than they hold, or takes over (resets the password of) one that holds more.
import type { FastifyInstance } from 'fastify';
import { ApiErrorSchema, IdParamsSchema, UserCreateSchema, UserSchema, UserUpdateSchema, type IdParams, type UserCreate, type UserUpdate } from '@k8s-console/contracts';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/api-error.js';
import { passwordProblem } from '../auth/tokens/password-policy.js';
import { requireConsolePermission, requireNoEscalation } from './console-permission.js';
import type { RbacAuthorizer } from './rbac-authorizer.js';
import type { RbacStore } from './rbac-store.js';
import type { UserAdminStore } from './user-admin-store.js';

const errors = { 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema };

export async function userRoutes(app: FastifyInstance, opts: { store: RbacStore; users: UserAdminStore; authorizer: RbacAuthorizer }): Promise<void> {
  const { store, users, authorizer } = opts;

  app.get('/users', { schema: { response: { 200: Type.Object({ items: Type.Array(UserSchema) }), ...errors } } }, async (request) => {
    await requireConsolePermission(app, request, 'list', 'users');
    return { items: await users.list() };
  });

  app.get<{ Params: IdParams }>('/users/:id', { schema: { params: IdParamsSchema, response: { 200: UserSchema, ...errors } } }, async (request) => {
    await requireConsolePermission(app, request, 'get', 'users', request.params.id);
    return users.get(request.params.id);
  });

  app.post<{ Body: UserCreate }>('/users', { schema: { body: UserCreateSchema, response: { 201: UserSchema, ...errors } } }, async (request, reply) => {
    await requireConsolePermission(app, request, 'create', 'users');
    const { username, password, groups = [], roles = [] } = request.body;
    const problem = passwordProblem(password, username);
    if (problem) throw ApiError.badRequest('WEAK_PASSWORD', problem, 'password');
    // the roles already bound to this name or to these groups come with the account
    const inherited = await store.rulesBoundTo(username, groups);
    await requireNoEscalation(app, authorizer, request, 'bind', inherited.rules, { action: `create user ${JSON.stringify(username)}, whose name and groups are bound to roles granting`, field: 'groups' });
    const toBind = [];
    for (const [i, name] of roles.entries()) {
      const role = await store.roleByName(name);
      if (!role) throw ApiError.badRequest('ROLE_NOT_FOUND', `role ${JSON.stringify(name)} does not exist`, `roles.${i}`);
      await requireConsolePermission(app, request, 'create', 'rolebindings');
      await requireNoEscalation(app, authorizer, request, 'bind', role.rules);
      toBind.push(role);
    }
    const user = await users.create({ username, password, groups, source: 'local' });
    for (const role of toBind) await store.createBinding({ roleId: role.id, subjectKind: 'user', subjectName: user.username });
    request.auditContext = { name: user.username };
    return reply.status(201).send(user);
  });

  app.patch<{ Params: IdParams; Body: UserUpdate }>(
    '/users/:id',
    { schema: { params: IdParamsSchema, body: UserUpdateSchema, response: { 200: UserSchema, ...errors } } },
    async (request) => {
      await requireConsolePermission(app, request, 'update', 'users', request.params.id);
      const before = await users.get(request.params.id);
      const { password, disabled, groups } = request.body;
      const held = await store.rulesBoundTo(before.username, before.groups);
      await requireNoEscalation(app, authorizer, request, 'bind', held.rules, { action: `change user ${JSON.stringify(before.username)}, who holds roles granting` });
      if (groups !== undefined) {
        const gained = await store.rulesBoundTo(before.username, groups);
        await requireNoEscalation(app, authorizer, request, 'bind', gained.rules, { action: 'give groups bound to roles granting', field: 'groups' });
      }
      if (disabled && before.id === request.subject!.userId) {
        throw ApiError.conflict('SELF_DISABLE', 'you cannot disable yourself; ask another administrator', 'disabled');
      }
      if (password !== undefined) {
        if (before.source === 'sso') throw ApiError.badRequest('SSO_USER', 'this user signs in through the host application and has no console password', 'password');
        const problem = passwordProblem(password, before.username);
        if (problem) throw ApiError.badRequest('WEAK_PASSWORD', problem, 'password');
      }
      const user = await users.update(before.id, request.body);
      if (password !== undefined || disabled) await app.sessions.revokeUser(user.id, password !== undefined ? 'password-reset' : 'disabled');
      store.touch();
      request.auditContext = { name: user.username, detail: Object.keys(request.body).sort().join(', ') || null };
      return user;
    },
  );

  app.delete<{ Params: IdParams }>('/users/:id', { schema: { params: IdParamsSchema, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    await requireConsolePermission(app, request, 'delete', 'users', request.params.id);
    if (request.params.id === request.subject!.userId) throw ApiError.conflict('SELF_DELETE', 'you cannot delete yourself; ask another administrator');
    const target = await users.get(request.params.id);
    const held = await store.rulesBoundTo(target.username, target.groups);
    await requireNoEscalation(app, authorizer, request, 'bind', held.rules, { action: `delete user ${JSON.stringify(target.username)}, who holds roles granting` });
    const user = await users.delete(request.params.id);
    await store.deleteUserBindings(user.username);
    request.auditContext = { name: user.username };
    return reply.status(204).send();
  });
}
