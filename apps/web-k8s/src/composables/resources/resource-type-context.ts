// The resource types of the current cluster (built-ins and CRDs), provided by ClusterLayout so
// that list and detail pages know a kind's name and scope without asking the cluster again.
import { computed, inject, type ComputedRef, type InjectionKey } from 'vue';
import { useRoute } from 'vue-router';
import { findBuiltin, groupFromSegment, type ResourceType } from './resource-catalogue';

export const CLUSTER_RESOURCE_TYPES: InjectionKey<ComputedRef<ResourceType[]>> = Symbol('k8s-console.resource-types');

/** Resolves a type from URL segments; unknown ones (a CRD not loaded yet) are assumed namespaced. */
export function useResourceType(params: () => { group: string; version: string; resource: string }) {
  const types = inject(CLUSTER_RESOURCE_TYPES, computed(() => []));
  return computed<ResourceType & { known: boolean }>(() => {
    const { group, version, resource } = params();
    const found =
      types.value.find((r) => r.group === group && r.version === version && r.resource === resource) ??
      findBuiltin(group, version, resource);
    if (found) return { ...found, known: true };
    return { group, version, resource, kind: resource, namespaced: true, section: 'custom', known: false };
  });
}

/** A route param or query value as one string ('' when absent or given as a list). */
export const routeString = (v: unknown) => (typeof v === 'string' ? v : '');

/** The cluster and resource type named by the current route's `:cluster/:group/:version/:resource`. */
export function useRouteResourceType() {
  const route = useRoute();
  const cluster = computed(() => routeString(route.params.cluster));
  const type = useResourceType(() => ({
    group: groupFromSegment(routeString(route.params.group)),
    version: routeString(route.params.version),
    resource: routeString(route.params.resource),
  }));
  return { cluster, type };
}
