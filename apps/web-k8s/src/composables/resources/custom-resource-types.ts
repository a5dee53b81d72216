// The CRDs of a cluster as navigable resource types, read from its CustomResourceDefinitions.
import { ref, shallowRef, watch, type Ref } from 'vue';
import { useApiClient } from '#/api/context';
import { kubeApi } from '#/api/kube';
import type { ResourceType } from './resource-catalogue';

interface CustomResourceDefinition {
  metadata: { name: string };
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: { plural: string; kind: string };
    versions: Array<{ name: string; served: boolean; storage: boolean }>;
  };
}

const CRD_TYPE = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };

export function crdToResourceType(crd: CustomResourceDefinition): ResourceType | null {
  const served = crd.spec.versions.filter((v) => v.served);
  const version = served.find((v) => v.storage) ?? served[0];
  if (!version) return null;
  return {
    group: crd.spec.group,
    version: version.name,
    resource: crd.spec.names.plural,
    kind: crd.spec.names.kind,
    namespaced: crd.spec.scope === 'Namespaced',
    section: 'custom',
  };
}

export function useCustomResourceTypes(clusterId: Ref<string>) {
  const client = useApiClient();
  const types = shallowRef<ResourceType[]>([]);
  const loading = ref(false);

  let loadedFor: string | null = null;

  async function load(id: string) {
    // Another cluster: its kinds are not the previous one's (a CRD's scope, or a menu entry that
    // does not exist there), so nothing of those stays while its own list comes.
    if (loadedFor !== id) types.value = [];
    loadedFor = id;
    loading.value = true;
    try {
      const list = await kubeApi(client, id).list<CustomResourceDefinition>(CRD_TYPE);
      if (id !== clusterId.value) return;
      types.value = list.items
        .map(crdToResourceType)
        .filter((t): t is ResourceType => t !== null)
        .sort((a, b) => a.kind.localeCompare(b.kind));
    } catch {
      // No permission to list CRDs (or no such API): the menu simply shows none.
      if (id === clusterId.value) types.value = [];
    } finally {
      loading.value = false;
    }
  }

  watch(clusterId, (id) => void load(id), { immediate: true });
  return { types, loading, reload: () => load(clusterId.value) };
}
