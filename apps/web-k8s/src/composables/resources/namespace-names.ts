// Namespace names of a cluster, for the namespace filter of every list.
import { shallowRef, watch, type Ref } from 'vue';
import { useApiClient } from '#/api/context';
import { kubeApi } from '#/api/kube';

export function useNamespaceNames(cluster: Ref<string>) {
  const client = useApiClient();
  const names = shallowRef<string[]>([]);
  watch(
    cluster,
    async (id) => {
      try {
        const list = await kubeApi(client, id).list({ group: '', version: 'v1', resource: 'namespaces' });
        if (id === cluster.value) names.value = list.items.map((n) => n.metadata.name).sort();
      } catch {
        names.value = []; // without the right to list namespaces, the user can still type one
      }
    },
    { immediate: true },
  );
  return names;
}
