// REST routes of the cluster registry (DESIGN: GET|POST /api/v1/clusters, GET|PATCH|DELETE
// /api/v1/clusters/:id, POST /api/v1/clusters/:id/test), plus two for the add-cluster form:
// POST /clusters/test (a kubeconfig not saved yet) and POST /clusters/inspect (its contexts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ApiErrorSchema,
  ClusterCreateInputSchema,
  ClusterListSchema,
  ClusterSchema,
  ClusterUpdateInputSchema,
  ClusterWriteQuerySchema,
  CONSOLE_API_GROUP,
  ConnectionTestResultSchema,
  IdParamsSchema,
  KubeconfigInputSchema,
  KubeconfigInspectResultSchema,
  type ClusterCreateInput,
  type ClusterUpdateInput,
  type ClusterWriteQuery,
  type IdParams,
  type KubeconfigInput,
} from '@k8s-console/contracts';
import { ApiError } from '../errors/api-error.js';
import { toCluster } from './cluster-store.js';
import { inspectKubeconfig } from './kubeconfig-parser.js';

const errors = { 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema, 404: ApiErrorSchema };

export async function clusterRoutes(app: FastifyInstance): Promise<void> {
  const registry = app.clusterRegistry;

  /** Console RBAC on the registry itself: resource `clusters` in the console API group. */
  async function authorize(request: FastifyRequest, verb: string, id = ''): Promise<void> {
    const decision = await app.authorizer.authorizeResource(request.subject!, {
      clusterId: id,
      verb,
      apiGroup: CONSOLE_API_GROUP,
      resource: 'clusters',
      ...(id ? { name: id } : {}),
    });
    if (!decision.allowed) throw new ApiError(403, 'FORBIDDEN', decision.reason);
  }

  app.get('/', { schema: { response: { 200: ClusterListSchema, ...errors } } }, async (request) => {
    const rows = await registry.store.list();
    const visible = [];
    for (const row of rows) {
      const d = await app.authorizer.authorizeResource(request.subject!, {
        clusterId: row.id,
        verb: 'get',
        apiGroup: CONSOLE_API_GROUP,
        resource: 'clusters',
        name: row.id,
      });
      if (d.allowed) visible.push(toCluster(row));
    }
    return { items: visible };
  });

  app.post<{ Body: ClusterCreateInput; Querystring: ClusterWriteQuery }>(
    '/',
    { schema: { body: ClusterCreateInputSchema, querystring: ClusterWriteQuerySchema, response: { 201: ClusterSchema, ...errors } } },
    async (request, reply) => {
      await authorize(request, 'create');
      const row = await registry.create(request.body, { username: request.subject!.username, skipTest: request.query.skipTest === true });
      request.log.info({ clusterId: row.id, name: row.name, server: row.server }, 'cluster created');
      return reply.status(201).send(toCluster(row));
    },
  );

  app.post<{ Body: KubeconfigInput }>(
    '/test',
    { schema: { body: KubeconfigInputSchema, response: { 200: ConnectionTestResultSchema, ...errors } } },
    async (request) => {
      await authorize(request, 'create');
      return registry.test(registry.parse(request.body));
    },
  );

  app.post<{ Body: KubeconfigInput }>(
    '/inspect',
    { schema: { body: KubeconfigInputSchema, response: { 200: KubeconfigInspectResultSchema, ...errors } } },
    async (request) => {
      await authorize(request, 'create');
      return inspectKubeconfig(request.body.kubeconfig);
    },
  );

  app.get<{ Params: IdParams }>('/:id', { schema: { params: IdParamsSchema, response: { 200: ClusterSchema, ...errors } } }, async (request) => {
    const row = await registry.store.get(request.params.id);
    await authorize(request, 'get', row.id);
    return toCluster(row);
  });

  app.patch<{ Params: IdParams; Body: ClusterUpdateInput; Querystring: ClusterWriteQuery }>(
    '/:id',
    {
      schema: {
        params: IdParamsSchema,
        body: ClusterUpdateInputSchema,
        querystring: ClusterWriteQuerySchema,
        response: { 200: ClusterSchema, ...errors },
      },
    },
    async (request) => {
      await registry.store.get(request.params.id);
      await authorize(request, 'update', request.params.id);
      const row = await registry.update(request.params.id, request.body, { skipTest: request.query.skipTest === true });
      request.log.info({ clusterId: row.id, version: row.version }, 'cluster updated');
      return toCluster(row);
    },
  );

  app.delete<{ Params: IdParams }>(
    '/:id',
    { schema: { params: IdParamsSchema, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      await registry.store.get(request.params.id);
      await authorize(request, 'delete', request.params.id);
      await registry.remove(request.params.id);
      request.log.info({ clusterId: request.params.id }, 'cluster deleted');
      return reply.status(204).send();
    },
  );

  app.post<{ Params: IdParams }>(
    '/:id/test',
    { schema: { params: IdParamsSchema, response: { 200: ConnectionTestResultSchema, ...errors } } },
    async (request) => {
      await registry.store.get(request.params.id);
      await authorize(request, 'get', request.params.id);
      return registry.testStored(request.params.id);
    },
  );
}
