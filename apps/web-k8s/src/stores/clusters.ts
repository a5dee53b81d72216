// The registered clusters as the console lists them (name, server, version, health). The cluster
// switcher, the clusters page and every per-cluster page read them from here.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Cluster, ClusterCreateInput, ClusterUpdateInput, ConnectionTestResult, KubeconfigInput } from '@k8s-console/contracts';
import { useApiClient } from '#/api/context';
import { clustersApi } from '#/api/clusters';
import type { ApiError } from '#/api/client';

export const useClustersStore = defineStore('clusters', () => {
  const api = clustersApi(useApiClient());

  const items = shallowRef<Cluster[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = shallowRef<ApiError | null>(null);
  let pending: Promise<void> | null = null;

  const byId = computed(() => new Map(items.value.map((c) => [c.id, c])));

  function sortByName(list: Cluster[]): Cluster[] {
    return [...list].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Loads the list; concurrent callers share one request. */
  function load(): Promise<void> {
    if (pending) return pending;
    loading.value = true;
    pending = api
      .list()
      .then((res) => {
        items.value = sortByName(res.items);
        error.value = null;
        loaded.value = true;
      })
      .catch((err: ApiError) => {
        error.value = err;
      })
      .finally(() => {
        loading.value = false;
        pending = null;
      });
    return pending;
  }

  function upsert(cluster: Cluster) {
    items.value = sortByName([...items.value.filter((c) => c.id !== cluster.id), cluster]);
  }

  async function create(input: ClusterCreateInput, opts: { skipTest?: boolean } = {}): Promise<Cluster> {
    const cluster = await api.create(input, opts);
    upsert(cluster);
    return cluster;
  }

  async function update(id: string, input: ClusterUpdateInput, opts: { skipTest?: boolean } = {}): Promise<Cluster> {
    const cluster = await api.update(id, input, opts);
    upsert(cluster);
    return cluster;
  }

  async function remove(id: string): Promise<void> {
    await api.remove(id);
    items.value = items.value.filter((c) => c.id !== id);
  }

  /** Tests a saved cluster and refreshes its row, since the test also updates its health. */
  async function test(id: string): Promise<ConnectionTestResult> {
    const result = await api.test(id);
    try {
      upsert(await api.get(id));
    } catch {
      // the result itself is what the user asked for
    }
    return result;
  }

  function testDraft(input: KubeconfigInput): Promise<ConnectionTestResult> {
    return api.testDraft(input);
  }

  return { items, loaded, loading, error, byId, load, create, update, remove, test, testDraft };
});
