// Scale (deployments, statefulsets, replicasets) through the scale subresource, and rollout
// restart (deployments, statefulsets, daemonsets) the way kubectl does it: a new pod-template
// annotation kubectl.kubernetes.io/restartedAt makes the controller roll every pod.
import type { RestartRequest, ScaleRequest } from '@k8s-console/contracts';
import { resourcePath, type ActionContext } from './action-context.js';

const MERGE_PATCH = 'application/merge-patch+json';

export async function scaleWorkload(ctx: ActionContext, req: ScaleRequest): Promise<unknown> {
  const ref = { group: 'apps', version: 'v1', resource: req.resource, namespace: req.namespace, name: req.name, subresource: 'scale' };
  await ctx.authorize({ verb: 'patch', apiGroup: 'apps', apiVersion: 'v1', resource: req.resource, subresource: 'scale', namespace: req.namespace, name: req.name });
  return ctx.json(resourcePath(ref), { method: 'PATCH', contentType: MERGE_PATCH, body: { spec: { replicas: req.replicas } } });
}

export async function restartWorkload(ctx: ActionContext, req: RestartRequest, now = new Date()): Promise<unknown> {
  const ref = { group: 'apps', version: 'v1', resource: req.resource, namespace: req.namespace, name: req.name };
  await ctx.authorize({ verb: 'patch', apiGroup: 'apps', apiVersion: 'v1', resource: req.resource, namespace: req.namespace, name: req.name });
  const patch = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now.toISOString() } } } } };
  return ctx.json(resourcePath(ref), { method: 'PATCH', contentType: MERGE_PATCH, body: patch });
}
