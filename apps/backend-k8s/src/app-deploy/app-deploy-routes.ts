// Routes of "deploy an application" (issue 9), under /api/v1/clusters/:id/app-deploys. Each
// request is authorized per object by the service and audited as one console request naming the
// application; the body is validated by the contracts' schema, then by the Kubernetes-style
// validator, with the message at the field.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AppDeployErrorSchema,
  AppDeployRequestSchema,
  AppDeployResultSchema,
  AppDetailSchema,
  AppPreviewResponseSchema,
  AppRefsSchema,
  AppSummaryListSchema,
  CONSOLE_API_GROUP,
  type AppDeployRequest,
} from '@k8s-console/contracts';
import { ApiError } from '../errors/api-error.js';
import { ActionContext, toConsoleError } from '../kube/actions/action-context.js';
import { AppDeployError, AppDeployService } from './app-deploy-service.js';

const id = { type: 'string', minLength: 1, maxLength: 128 } as const;
// As the form's validator has them: the namespace a DNS-1123 label, the application's name a
// DNS-1035 label (it goes into a label selector, so nothing else may pass).
const namespaceName = { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' } as const;
const appName = { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$' } as const;
const clusterParams = { type: 'object', properties: { id }, required: ['id'] } as const;
const appParams = { type: 'object', properties: { id, namespace: namespaceName, name: appName }, required: ['id', 'namespace', 'name'] } as const;
const listQuery = { type: 'object', properties: { namespace: namespaceName }, additionalProperties: false } as const;

type AppParams = { id: string; namespace: string; name: string };

/** The audit detail of a create or an edit: a dry run, and whether the edited YAML was applied. */
function sourceOf(body: AppDeployRequest): string | null {
  const parts = [body.dryRun ? 'dry run' : null, body.yaml !== undefined ? 'from edited YAML' : null].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}

// Every answer has a schema: what is not in it never leaves (fast-json-stringify drops it).
const errors = Object.fromEntries([400, 401, 403, 404, 409, 422, 502, 504].map((code) => [code, AppDeployErrorSchema]));
const answers = (ok: object, ...codes: number[]) => ({ ...Object.fromEntries(codes.map((code) => [code, ok])), ...errors });

export async function appDeployRoutes(app: FastifyInstance): Promise<void> {
  async function service(request: FastifyRequest<{ Params: { id: string } }>): Promise<AppDeployService> {
    if (!request.subject) throw ApiError.unauthorized();
    await app.kube.connection(request.params.id); // 404 for an unknown cluster
    return new AppDeployService(new ActionContext(app.kube, request.params.id, request.subject, app.authorizer));
  }

  function audit(request: FastifyRequest<{ Params: { id: string } }>, verb: string, namespace: string, name: string, detail: string | null) {
    request.auditContext = { clusterId: request.params.id, apiGroup: CONSOLE_API_GROUP, resource: 'app-deploys', namespace, name, verb, detail };
  }

  async function run<T>(reply: FastifyReply, fn: () => Promise<T>): Promise<T | FastifyReply> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof AppDeployError) return reply.code(err.statusCode).send(err.toBody());
      throw toConsoleError(err);
    }
  }

  const base = '/api/v1/clusters/:id/app-deploys';

  app.post<{ Params: { id: string }; Body: AppDeployRequest }>(`${base}/preview`, { schema: { params: clusterParams, body: AppDeployRequestSchema, response: answers(AppPreviewResponseSchema, 200) } }, async (request, reply) => {
    // Only reads and dry runs: not a change worth an audit record, but a refusal is recorded.
    request.auditContext = { readOnly: true, clusterId: request.params.id, apiGroup: CONSOLE_API_GROUP, resource: 'app-deploys', namespace: request.body.spec.namespace, name: request.body.spec.name, verb: 'preview' };
    const svc = await service(request);
    return run(reply, () => svc.preview(request.body));
  });

  app.post<{ Params: AppParams; Body: AppDeployRequest }>(`${base}/:namespace/:name/preview`, { schema: { params: appParams, body: AppDeployRequestSchema, response: answers(AppPreviewResponseSchema, 200) } }, async (request, reply) => {
    // The preview of an edit: the edit's own (forced) dry run, and what it would delete.
    const { namespace, name } = request.params;
    request.auditContext = { readOnly: true, clusterId: request.params.id, apiGroup: CONSOLE_API_GROUP, resource: 'app-deploys', namespace, name, verb: 'preview' };
    const svc = await service(request);
    return run(reply, () => svc.previewUpdate(namespace, name, request.body));
  });

  app.post<{ Params: { id: string }; Body: AppDeployRequest }>(base, { schema: { params: clusterParams, body: AppDeployRequestSchema, response: answers(AppDeployResultSchema, 200, 201) } }, async (request, reply) => {
    const { spec } = request.body;
    audit(request, 'create', spec.namespace, spec.name, sourceOf(request.body));
    const svc = await service(request);
    return run(reply, async () => reply.code(request.body.dryRun ? 200 : 201).send(await svc.create(request.body)));
  });

  app.get<{ Params: { id: string }; Querystring: { namespace?: string } }>(base, { schema: { params: clusterParams, querystring: listQuery, response: answers(AppSummaryListSchema, 200) } }, async (request, reply) => {
    const svc = await service(request);
    return run(reply, () => svc.list(request.query.namespace));
  });

  // beside app-deploys, not under it: a static segment there would shadow an app of that name
  const refsParams = { type: 'object', properties: { id, namespace: namespaceName }, required: ['id', 'namespace'] } as const;
  app.get<{ Params: { id: string; namespace: string } }>(
    '/api/v1/clusters/:id/app-deploy-refs/:namespace',
    { schema: { params: refsParams, response: answers(AppRefsSchema, 200) } },
    async (request, reply) => {
      const svc = await service(request);
      return run(reply, () => svc.refs(request.params.namespace));
    },
  );

  app.get<{ Params: AppParams }>(`${base}/:namespace/:name`, { schema: { params: appParams, response: answers(AppDetailSchema, 200) } }, async (request, reply) => {
    const svc = await service(request);
    return run(reply, () => svc.get(request.params.namespace, request.params.name));
  });

  app.put<{ Params: AppParams; Body: AppDeployRequest }>(`${base}/:namespace/:name`, { schema: { params: appParams, body: AppDeployRequestSchema, response: answers(AppDeployResultSchema, 200) } }, async (request, reply) => {
    const { namespace, name } = request.params;
    audit(request, 'update', namespace, name, sourceOf(request.body));
    const svc = await service(request);
    return run(reply, () => svc.update(namespace, name, request.body));
  });

  app.delete<{ Params: AppParams }>(`${base}/:namespace/:name`, { schema: { params: appParams, response: answers(AppDeployResultSchema, 200) } }, async (request, reply) => {
    const { namespace, name } = request.params;
    audit(request, 'delete', namespace, name, null);
    const svc = await service(request);
    return run(reply, () => svc.remove(namespace, name));
  });
}
