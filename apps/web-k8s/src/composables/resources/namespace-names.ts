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

/**
 * The namespace filter's choices: the cluster's namespaces, plus the one being typed and the one in
 * the URL when they are not among them. A user who may not list namespaces (the list is empty)
 * still picks the namespace they may see by typing its name. The extras come last, so Enter on a
 * partly typed name still picks the listed namespace it matches.
 */
export function namespaceOptions(names: readonly string[], typed: string, current: string): Array<{ value: string; label: string }> {
  const all = [...names];
  for (const extra of [current, typed.trim()]) if (extra && !all.includes(extra)) all.push(extra);
  return all.map((n) => ({ value: n, label: n }));
}
