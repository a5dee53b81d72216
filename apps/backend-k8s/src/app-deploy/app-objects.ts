// The kinds an application is made of, with where they live in the API, and how to find an
// application's live objects by its label.
import { APP_NAME_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, type AppObjectKind, type AppObjectRef } from '@k8s-console/contracts';
import { KubeApiError } from '../kube/kube-access.js';
import { resourcePath, type ActionContext, type ResourceRef } from '../kube/actions/action-context.js';

export interface KindInfo {
  kind: AppObjectKind;
  group: string;
  version: string;
  resource: string;
}

/** Apply order; deletion runs the other way. */
export const APP_KINDS: readonly KindInfo[] = [
  { kind: 'Deployment', group: 'apps', version: 'v1', resource: 'deployments' },
  { kind: 'Service', group: '', version: 'v1', resource: 'services' },
  { kind: 'HorizontalPodAutoscaler', group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' },
  { kind: 'Ingress', group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' },
];

export const NAMESPACE_KIND: KindInfo = { kind: 'Namespace', group: '', version: 'v1', resource: 'namespaces' };

export function kindInfo(kind: string): KindInfo | undefined {
  return APP_KINDS.find((k) => k.kind === kind);
}

export function apiVersionOf(k: KindInfo): string {
  return k.group ? `${k.group}/${k.version}` : k.version;
}

export function refOf(k: KindInfo, namespace: string, name: string): AppObjectRef {
  return { kind: k.kind, apiVersion: apiVersionOf(k), namespace, name };
}

export function objectPath(k: KindInfo, namespace: string | undefined, name?: string): string {
  const ref: ResourceRef = { group: k.group, version: k.version, resource: k.resource };
  if (namespace) ref.namespace = namespace;
  if (name) ref.name = name;
  return resourcePath(ref);
}

export interface LiveObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; creationTimestamp?: string; [k: string]: unknown };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [k: string]: unknown;
}

/** GET one object; undefined when it does not exist. */
export async function getObject(ctx: ActionContext, k: KindInfo, namespace: string | undefined, name: string): Promise<LiveObject | undefined> {
  try {
    return await ctx.json<LiveObject>(objectPath(k, namespace, name));
  } catch (err) {
    if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
    throw err;
  }
}

/** Objects of one kind that carry the application label (one app, or every app when name is omitted). */
export async function listAppObjects(ctx: ActionContext, k: KindInfo, namespace: string | undefined, name?: string): Promise<LiveObject[]> {
  await ctx.authorize({ verb: 'list', apiGroup: k.group, apiVersion: k.version, resource: k.resource, ...(namespace ? { namespace } : {}) });
  const labelSelector = `${name ? `${APP_NAME_LABEL}=${name}` : APP_NAME_LABEL},${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
  const list = await ctx.json<{ items?: LiveObject[] }>(`${objectPath(k, namespace)}?${new URLSearchParams({ labelSelector })}`);
  return (list.items ?? []).map((o) => ({ ...o, apiVersion: apiVersionOf(k), kind: k.kind }));
}
