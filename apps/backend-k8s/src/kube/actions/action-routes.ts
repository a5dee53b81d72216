// Routes of the typed actions and of apply. Bodies are validated by the contracts' schemas; the
// cluster's errors come back as `{error:{code,message}}` with the apiserver's status code.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ActionResultSchema,
  ApiErrorSchema,
  ApplyRequestSchema,
  ApplyResultSchema,
  DrainResultSchema,
  DeleteRequestSchema,
  DrainRequestSchema,
  NodeRequestSchema,
  RestartRequestSchema,
  ScaleRequestSchema,
  type ApplyRequest,
  type ApplyResult,
  type DeleteRequest,
  type DrainRequest,
  type NodeRequest,
  type RestartRequest,
  type ScaleRequest,
} from '@k8s-console/contracts';
import type { TSchema } from '@sinclair/typebox';
import type { Authorizer } from '../../rbac/authorizer.js';
import { ApiError } from '../../errors/api-error.js';
import type { KubeAccess } from '../kube-access.js';
import { ActionContext, toConsoleError } from './action-context.js';
import { applyManifests } from './apply-manifests.js';
import { deleteObject } from './delete-object.js';
import { drainNode, setUnschedulable } from './node-actions.js';
import { restartWorkload, scaleWorkload } from './workload-actions.js';

/** `applied: ConfigMap act/x created, apps/v1 Deployment act/web configured, …` for the audit record (clipped there). */
export function describeApply(result: ApplyResult): string {
  const docs = result.documents.map((d) => {
    const what = [d.kind ?? 'document', d.namespace && d.name ? `${d.namespace}/${d.name}` : (d.name ?? `#${d.index}`)].join(' ');
    return `${what} ${d.action}${d.error ? ` (${d.error.code})` : ''}`;
  });
  return `${result.dryRun ? 'dry run' : 'applied'}: ${docs.join(', ') || 'no documents'}`;
}

export interface ActionRouteOptions {
  kube: KubeAccess;
  authorizer: () => Authorizer;
}

const params = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 128 } },
  required: ['id'],
} as const;

export async function actionRoutes(app: FastifyInstance, opts: ActionRouteOptions): Promise<void> {
  async function context(request: FastifyRequest<{ Params: { id: string } }>): Promise<ActionContext> {
    if (!request.subject) throw ApiError.unauthorized();
    await opts.kube.connection(request.params.id); // 404 for an unknown cluster
    return new ActionContext(opts.kube, request.params.id, request.subject, opts.authorizer());
  }

  // Failures carry the apiserver's status (404, 409, 422, 429...) or 502/504 for the network.
  const errors = { '4xx': ApiErrorSchema, '5xx': ApiErrorSchema };
  function action<B>(path: string, schema: TSchema, result: TSchema, run: (ctx: ActionContext, body: B, request: FastifyRequest) => Promise<unknown>) {
    app.post<{ Params: { id: string }; Body: B }>(`/api/v1/clusters/:id${path}`, { schema: { params, body: schema, response: { 200: result, ...errors } } }, async (request) => {
      const ctx = await context(request);
      try {
        return await run(ctx, request.body as B, request);
      } catch (err) {
        throw toConsoleError(err);
      }
    });
  }

  const ok = (object: unknown) => ({ ok: true, object });
  action<ScaleRequest>('/actions/scale', ScaleRequestSchema, ActionResultSchema, async (ctx, body) => ok(await scaleWorkload(ctx, body)));
  action<RestartRequest>('/actions/restart', RestartRequestSchema, ActionResultSchema, async (ctx, body) => ok(await restartWorkload(ctx, body)));
  action<NodeRequest>('/actions/cordon', NodeRequestSchema, ActionResultSchema, async (ctx, body) => ok(await setUnschedulable(ctx, body.node, true)));
  action<NodeRequest>('/actions/uncordon', NodeRequestSchema, ActionResultSchema, async (ctx, body) => ok(await setUnschedulable(ctx, body.node, false)));
  action<DrainRequest>('/actions/drain', DrainRequestSchema, DrainResultSchema, (ctx, body) => drainNode(ctx, body));
  action<DeleteRequest>('/actions/delete', DeleteRequestSchema, ActionResultSchema, async (ctx, body) => ok(await deleteObject(ctx, body)));
  action<ApplyRequest>('/apply', ApplyRequestSchema, ApplyResultSchema, async (ctx, body, request) => {
    const result = await applyManifests(ctx, body);
    // One request, any number of objects: its audit record names each with what became of it.
    request.auditContext = { ...request.auditContext, detail: describeApply(result) };
    return result;
  });
}
