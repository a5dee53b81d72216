// Delete any object with a propagation policy (Foreground waits for dependents, Background lets
// the garbage collector remove them, Orphan leaves them).
import type { DeleteRequest } from '@k8s-console/contracts';
import { resourcePath, type ActionContext } from './action-context.js';

export async function deleteObject(ctx: ActionContext, req: DeleteRequest): Promise<unknown> {
  await ctx.authorize({ verb: 'delete', apiGroup: req.group, apiVersion: req.version, resource: req.resource, namespace: req.namespace, name: req.name });
  const options: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (req.propagationPolicy) options.propagationPolicy = req.propagationPolicy;
  if (req.gracePeriodSeconds !== undefined) options.gracePeriodSeconds = req.gracePeriodSeconds;
  const ref = { group: req.group, version: req.version, resource: req.resource, namespace: req.namespace, name: req.name };
  return ctx.json(resourcePath(ref), { method: 'DELETE', body: options });
}
