// /api/v1/roles: the rule editor's API. Console administration permission on `roles` is needed,
// and nobody writes a role granting more than they hold unless allowed to escalate.
import type { FastifyInstance } from 'fastify';
import {
  ApiErrorSchema,
  IdParamsSchema,
  RoleCreateSchema,
  RoleSchema,
  RoleUpdateSchema,
  type IdParams,
  type RoleCreate,
  type RoleUpdate,
} from '@k8s-console/contracts';
import { Type } from '@sinclair/typebox';
import { requireConsolePermission, requireNoEscalation } from './console-permission.js';
import type { RbacAuthorizer } from './rbac-authorizer.js';
import type { RbacStore } from './rbac-store.js';

const errors = { 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema };

export async function roleRoutes(app: FastifyInstance, opts: { store: RbacStore; authorizer: RbacAuthorizer }): Promise<void> {
  const { store, authorizer } = opts;

  app.get('/roles', { schema: { response: { 200: Type.Object({ items: Type.Array(RoleSchema) }), ...errors } } }, async (request) => {
    await requireConsolePermission(app, request, 'list', 'roles');
    return { items: await store.listRoles() };
  });

  app.get<{ Params: IdParams }>('/roles/:id', { schema: { params: IdParamsSchema, response: { 200: RoleSchema, ...errors } } }, async (request) => {
    await requireConsolePermission(app, request, 'get', 'roles', request.params.id);
    return store.getRole(request.params.id);
  });

  app.post<{ Body: RoleCreate }>('/roles', { schema: { body: RoleCreateSchema, response: { 201: RoleSchema, ...errors } } }, async (request, reply) => {
    await requireConsolePermission(app, request, 'create', 'roles');
    await requireNoEscalation(app, authorizer, request, 'escalate', request.body.rules);
    const role = await store.createRole(request.body);
    request.auditContext = { name: role.name };
    return reply.status(201).send(role);
  });

  app.patch<{ Params: IdParams; Body: RoleUpdate }>(
    '/roles/:id',
    { schema: { params: IdParamsSchema, body: RoleUpdateSchema, response: { 200: RoleSchema, ...errors } } },
    async (request) => {
      await requireConsolePermission(app, request, 'update', 'roles', request.params.id);
      if (request.body.rules) await requireNoEscalation(app, authorizer, request, 'escalate', request.body.rules);
      const role = await store.updateRole(request.params.id, request.body);
      request.auditContext = { name: role.name };
      return role;
    },
  );

  app.delete<{ Params: IdParams }>(
    '/roles/:id',
    { schema: { params: IdParamsSchema, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await requireConsolePermission(app, request, 'delete', 'roles', request.params.id);
      const role = await store.deleteRole(request.params.id);
      request.auditContext = { name: role.name };
      return reply.status(204).send();
    },
  );
}
