// What every action runs with: the cluster, the console user, and an authorize step that throws
// a 403 naming the missing permission. Errors from the cluster become console errors here.
import type { Authorizer, ResourceAttributes, Subject } from '../../rbac/authorizer.js';
import { ApiError } from '../../errors/api-error.js';
import { KubeApiError, type JsonRequest, type KubeAccess } from '../kube-access.js';
import { UpstreamError } from '../upstream-request.js';
import { pathSegment } from '../request-info.js';

export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export function resourcePath(ref: ResourceRef): string {
  const base = ref.group ? `/apis/${pathSegment(ref.group)}/${pathSegment(ref.version)}` : `/api/${pathSegment(ref.version)}`;
  let path = base;
  if (ref.namespace) path += `/namespaces/${pathSegment(ref.namespace)}`;
  path += `/${pathSegment(ref.resource)}`;
  if (ref.name) path += `/${pathSegment(ref.name)}`;
  if (ref.subresource) path += `/${pathSegment(ref.subresource)}`;
  return path;
}

export function describeAttrs(a: Omit<ResourceAttributes, 'clusterId'>): string {
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const group = a.apiGroup ? `.${a.apiGroup}` : '';
  return `${a.verb} ${res}${group}${a.name ? ` "${a.name}"` : ''}${a.namespace ? ` in namespace "${a.namespace}"` : ''}`;
}

/** A cluster error as the console's error: the apiserver's status and reason, or a 502/504. */
export function toConsoleError(err: unknown): unknown {
  if (err instanceof KubeApiError) {
    // The cluster refused the console's own credentials for it: a 401 here would read as the
    // user's console session having ended (the web client renews it and sends the action again).
    if (err.statusCode === 401) {
      return new ApiError(502, 'CLUSTER_UNAUTHORIZED', `the cluster refused the console's credentials for it (401 ${err.message}); update its kubeconfig`);
    }
    const status = err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 502;
    return new ApiError(status, err.reason ?? 'KUBERNETES_ERROR', err.message);
  }
  if (err instanceof UpstreamError) return new ApiError(err.statusCode, err.code, err.message);
  return err;
}

export class ActionContext {
  constructor(
    readonly kube: KubeAccess,
    readonly clusterId: string,
    readonly subject: Subject,
    private readonly authorizer: Authorizer,
  ) {}

  async allowed(attrs: Omit<ResourceAttributes, 'clusterId'>): Promise<{ allowed: true } | { allowed: false; reason: string }> {
    return this.authorizer.authorizeResource(this.subject, { clusterId: this.clusterId, ...attrs });
  }

  async authorize(attrs: Omit<ResourceAttributes, 'clusterId'>): Promise<void> {
    const decision = await this.allowed(attrs);
    if (!decision.allowed) throw new ApiError(403, 'FORBIDDEN', `not allowed to ${describeAttrs(attrs)}: ${decision.reason}`);
  }

  /** A JSON call to the cluster as this user (impersonated when the cluster is set up for it). */
  json<T = unknown>(path: string, req: JsonRequest = {}): Promise<T> {
    return this.kube.json<T>(this.clusterId, path, { ...req, subject: this.subject });
  }
}
