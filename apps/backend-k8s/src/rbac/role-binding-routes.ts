// /api/v1/rolebindings: attach roles to users and groups. Binding a role needs console permission
// on `rolebindings` and either the `bind` verb or holding everything the role grants.
import type { FastifyInstance } from 'fastify';
import { ApiErrorSchema, IdParamsSchema, RoleBindingCreateSchema, RoleBindingSchema, SubjectKindSchema, type IdParams, type RoleBindingCreate, type SubjectKind } from '@k8s-console/contracts';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/api-error.js';
import { requireConsolePermission, requireNoEscalation } from './console-permission.js';
import type { RbacAuthorizer } from './rbac-authorizer.js';
import type { RbacStore } from './rbac-store.js';

const errors = { 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema };

const BindingFilterSchema = Type.Object(
  {
    roleId: Type.Optional(Type.String({ format: 'uuid' })),
    subjectKind: Type.Optional(SubjectKindSchema),
    subjectName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false },
);

export async function roleBindingRoutes(app: FastifyInstance, opts: { store: RbacStore; authorizer: RbacAuthorizer }): Promise<void> {
  const { store, authorizer } = opts;

  app.get<{ Querystring: { roleId?: string; subjectKind?: SubjectKind; subjectName?: string } }>(
    '/rolebindings',
    { schema: { querystring: BindingFilterSchema, response: { 200: Type.Object({ items: Type.Array(RoleBindingSchema) }), ...errors } } },
    async (request) => {
      await requireConsolePermission(app, request, 'list', 'rolebindings');
      return { items: await store.listBindings(request.query) };
    },
  );

  app.get<{ Params: IdParams }>(
    '/rolebindings/:id',
    { schema: { params: IdParamsSchema, response: { 200: RoleBindingSchema, ...errors } } },
    async (request) => {
      await requireConsolePermission(app, request, 'get', 'rolebindings', request.params.id);
      return store.getBinding(request.params.id);
    },
  );

  app.post<{ Body: RoleBindingCreate }>(
    '/rolebindings',
    { schema: { body: RoleBindingCreateSchema, response: { 201: RoleBindingSchema, ...errors } } },
    async (request, reply) => {
      await requireConsolePermission(app, request, 'create', 'rolebindings');
      const role = await store.getRole(request.body.roleId).catch((err: unknown) => {
        // only "no such role" is the caller's mistake; a failing database stays a 500
        if (!(err instanceof ApiError && err.statusCode === 404)) throw err;
        throw new ApiError(400, 'ROLE_NOT_FOUND', `role ${JSON.stringify(request.body.roleId)} does not exist`, 'roleId');
      });
      await requireNoEscalation(app, authorizer, request, 'bind', role.rules);
      const binding = await store.createBinding(request.body);
      request.auditContext = { name: `${binding.roleName}:${binding.subjectKind}:${binding.subjectName}` };
      return reply.status(201).send(binding);
    },
  );

  app.delete<{ Params: IdParams }>(
    '/rolebindings/:id',
    { schema: { params: IdParamsSchema, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await requireConsolePermission(app, request, 'delete', 'rolebindings', request.params.id);
      const binding = await store.deleteBinding(request.params.id);
      request.auditContext = { name: `${binding.roleName}:${binding.subjectKind}:${binding.subjectName}` };
      return reply.status(204).send();
    },
  );
}
