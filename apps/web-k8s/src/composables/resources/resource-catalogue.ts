// The built-in kinds the cluster navigation shows, grouped like the console's menu. Every list
// and detail page is generic (Table API), so this is only navigation: CRDs join it at run time.
import { ApiError } from '#/api/client';

export type ResourceSection = 'cluster' | 'workloads' | 'network' | 'config' | 'storage' | 'rbac' | 'custom';

export interface ResourceType {
  /** API group; "" for the core group */
  group: string;
  version: string;
  /** plural resource name, as in the API path */
  resource: string;
  kind: string;
  namespaced: boolean;
  section: ResourceSection;
}

const t = (section: ResourceSection, group: string, version: string, resource: string, kind: string, namespaced = true): ResourceType => ({
  group,
  version,
  resource,
  kind,
  namespaced,
  section,
});

export const BUILTIN_RESOURCES: readonly ResourceType[] = [
  t('cluster', '', 'v1', 'nodes', 'Node', false),
  t('cluster', '', 'v1', 'namespaces', 'Namespace', false),
  t('cluster', '', 'v1', 'events', 'Event'),
  t('workloads', '', 'v1', 'pods', 'Pod'),
  t('workloads', 'apps', 'v1', 'deployments', 'Deployment'),
  t('workloads', 'apps', 'v1', 'statefulsets', 'StatefulSet'),
  t('workloads', 'apps', 'v1', 'daemonsets', 'DaemonSet'),
  t('workloads', 'apps', 'v1', 'replicasets', 'ReplicaSet'),
  t('workloads', 'batch', 'v1', 'jobs', 'Job'),
  t('workloads', 'batch', 'v1', 'cronjobs', 'CronJob'),
  t('workloads', 'autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler'),
  t('workloads', 'policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget'),
  t('network', '', 'v1', 'services', 'Service'),
  t('network', '', 'v1', 'endpoints', 'Endpoints'),
  t('network', 'discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice'),
  t('network', 'networking.k8s.io', 'v1', 'ingresses', 'Ingress'),
  t('network', 'networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy'),
  t('config', '', 'v1', 'configmaps', 'ConfigMap'),
  t('config', '', 'v1', 'secrets', 'Secret'),
  t('storage', '', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim'),
  t('storage', '', 'v1', 'persistentvolumes', 'PersistentVolume', false),
  t('storage', 'storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false),
  t('rbac', '', 'v1', 'serviceaccounts', 'ServiceAccount'),
  t('rbac', 'rbac.authorization.k8s.io', 'v1', 'roles', 'Role'),
  t('rbac', 'rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding'),
  t('rbac', 'rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  t('rbac', 'rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
  t('custom', 'apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false),
];

export const SECTION_ORDER: readonly ResourceSection[] = ['cluster', 'workloads', 'network', 'config', 'storage', 'rbac', 'custom'];

/** The group as it appears in console URLs: "core" for "", since an empty segment does not survive. */
export function groupSegment(group: string): string {
  return group === '' ? 'core' : group;
}

export function groupFromSegment(segment: string): string {
  return segment === 'core' ? '' : segment;
}

/**
 * One segment of an apiserver path, percent-encoded. Every part comes from the page's URL or from
 * the cluster, so a "/" must not start another segment, and "." or ".." (which the browser resolves
 * before sending) must not climb out of the cluster's proxy into another console API.
 */
export function pathSegment(value: string, what: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw new ApiError(400, 'INVALID_KUBERNETES_PATH', `${JSON.stringify(value)} is not a valid ${what}.`);
  }
  return encodeURIComponent(value);
}

/** The apiserver path of a collection or object, e.g. /apis/apps/v1/namespaces/default/deployments/web. */
export function apiPath(type: Pick<ResourceType, 'group' | 'version' | 'resource'>, namespace?: string, name?: string): string {
  const version = pathSegment(type.version, 'API version');
  const root = type.group === '' ? `/api/${version}` : `/apis/${pathSegment(type.group, 'API group')}/${version}`;
  const ns = namespace ? `/namespaces/${pathSegment(namespace, 'namespace')}` : '';
  const obj = name !== undefined ? `/${pathSegment(name, 'name')}` : '';
  return `${root}${ns}/${pathSegment(type.resource, 'resource')}${obj}`;
}

export function findBuiltin(group: string, version: string, resource: string): ResourceType | undefined {
  return BUILTIN_RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}
