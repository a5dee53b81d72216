// GET /api/v1/me/permissions?cluster= : the caller's effective rules (for one cluster) and what
// console administration they may do; POST with {checks} answers a batch of "may I?" questions
// so the UI hides or disables what the user cannot do. Only the caller's own permissions.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ApiErrorSchema,
  PermissionsCheckRequestSchema,
  PermissionsQuerySchema,
  PermissionsResponseSchema,
  type PermissionCheck,
  type PermissionsCheckRequest,
  type PermissionsQuery,
  type PermissionsResponse,
} from '@k8s-console/contracts';
import type { ResourceAttributes } from './authorizer.js';
import type { RbacAuthorizer } from './rbac-authorizer.js';
import { CONSOLE_API_GROUP, describeResourceDenial, rulesAllowResource, rulesForCluster } from './rules.js';

const errors = { 400: ApiErrorSchema, 401: ApiErrorSchema };

export function checkAttributes(check: PermissionCheck, clusterId: string): ResourceAttributes {
  const slash = check.resource.indexOf('/');
  const resource = slash < 0 ? check.resource : check.resource.slice(0, slash);
  const subresource = slash < 0 ? undefined : check.resource.slice(slash + 1);
  return {
    clusterId,
    verb: check.verb,
    apiGroup: check.group ?? '',
    resource,
    ...(subresource ? { subresource } : {}),
    ...(check.namespace ? { namespace: check.namespace } : {}),
    ...(check.name ? { name: check.name } : {}),
  };
}

export async function permissionRoutes(app: FastifyInstance, opts: { authorizer: RbacAuthorizer }): Promise<void> {
  const { authorizer } = opts;

  async function answer(request: FastifyRequest, cluster: string | undefined, checks: PermissionCheck[]): Promise<PermissionsResponse> {
    const subject = request.subject!;
    const { roles, rules } = await authorizer.rulesFor(subject);
    const clusterId = cluster ?? '';
    const may = (verb: string, resource: string, onCluster = '') =>
      rulesAllowResource(rules, { clusterId: onCluster, verb, apiGroup: CONSOLE_API_GROUP, resource, ...(onCluster ? { name: onCluster } : {}) });
    return {
      cluster: cluster ?? null,
      rules: cluster ? rulesForCluster(rules, cluster) : rules,
      roles,
      console: {
        clusters: { create: may('create', 'clusters'), update: may('update', 'clusters', clusterId), delete: may('delete', 'clusters', clusterId) },
        users: may('list', 'users'),
        roles: may('list', 'roles'),
        rolebindings: may('list', 'rolebindings'),
        audit: may('list', 'audit'),
      },
      checks: await Promise.all(
        checks.map(async (check) => {
          const attrs = checkAttributes(check, clusterId);
          const decision = await authorizer.authorizeResource(subject, attrs);
          return decision.allowed ? { check, allowed: true } : { check, allowed: false, reason: describeResourceDenial(subject, attrs) };
        }),
      ),
    };
  }

  app.get<{ Querystring: PermissionsQuery }>(
    '/me/permissions',
    { schema: { querystring: PermissionsQuerySchema, response: { 200: PermissionsResponseSchema, ...errors } } },
    async (request) => answer(request, request.query.cluster, []),
  );

  app.post<{ Body: PermissionsCheckRequest }>(
    '/me/permissions',
    // A question, not a change: the audit hook leaves it out.
    { schema: { body: PermissionsCheckRequestSchema, response: { 200: PermissionsResponseSchema, ...errors } } },
    async (request) => {
      request.auditContext = { skip: true };
      return answer(request, request.body.cluster, request.body.checks);
    },
  );
}
