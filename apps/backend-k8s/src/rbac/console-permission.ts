// Console administration checks for REST routes: the same authorizer as everything else, asked
// about a resource of the console API group, and a 403 naming what is missing.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PolicyRule } from '@k8s-console/contracts';
import { ApiError } from '../errors/api-error.js';
import type { RbacAuthorizer } from './rbac-authorizer.js';
import { CONSOLE_API_GROUP, ruleCoveredBy } from './rules.js';

export type ConsoleResource = 'clusters' | 'users' | 'roles' | 'rolebindings' | 'audit';

export async function requireConsolePermission(
  app: FastifyInstance,
  request: FastifyRequest,
  verb: string,
  resource: ConsoleResource,
  name?: string,
): Promise<void> {
  const decision = await app.authorizer.authorizeResource(request.subject!, {
    clusterId: resource === 'clusters' ? (name ?? '') : '',
    verb,
    apiGroup: CONSOLE_API_GROUP,
    resource,
    ...(name ? { name } : {}),
  });
  if (!decision.allowed) throw new ApiError(403, 'FORBIDDEN', decision.reason);
}

/**
 * Like Kubernetes' escalation check: writing a role (verb 'escalate') or binding one (verb 'bind')
 * that grants more than the caller holds is refused, unless the caller may escalate/bind.
 * `doing` names the act in the refusal (default: writing a rule, binding a role) and `field` the
 * request field it came from.
 */
export async function requireNoEscalation(
  app: FastifyInstance,
  authorizer: RbacAuthorizer,
  request: FastifyRequest,
  verb: 'escalate' | 'bind',
  rules: readonly PolicyRule[],
  doing?: { action: string; field?: string },
): Promise<void> {
  const subject = request.subject!;
  const may = await authorizer.authorizeResource(subject, { clusterId: '', verb, apiGroup: CONSOLE_API_GROUP, resource: 'roles' });
  if (may.allowed) return;
  const { rules: held } = await authorizer.rulesFor(subject);
  const index = rules.findIndex((r) => !ruleCoveredBy(r, held));
  if (index >= 0) {
    throw new ApiError(
      403,
      'ESCALATION',
      `user ${JSON.stringify(subject.username)} cannot ${doing?.action ?? (verb === 'bind' ? 'bind a role granting' : 'write a rule granting')} more than they hold (rule ${index}: ${JSON.stringify(rules[index])})`,
      doing ? doing.field : verb === 'escalate' ? `rules.${index}` : undefined,
    );
  }
}
