// Fills a ResourceListState from the proxy's Table API, page by page so the first rows show at
// once on big clusters. This is the list half of list+watch; the watch hub will take over the
// deltas (state.applyEvents) once it exists, keeping the same state and the same views.
import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue';
import { useApiClient } from '#/api/context';
import { kubeApi } from '#/api/kube';
import type { ApiError } from '#/api/client';
import { createResourceListState } from './resource-list-state';
import type { ResourceType } from './resource-catalogue';

const FIRST_PAGE = 200;
const NEXT_PAGES = 2000;

export interface ResourceListQuery {
  cluster: string;
  type: Pick<ResourceType, 'group' | 'version' | 'resource' | 'namespaced'>;
  namespace?: string;
  labelSelector?: string;
}

export function useResourceListFeed(query: Ref<ResourceListQuery>) {
  const client = useApiClient();
  const state = createResourceListState();
  const loading = ref(false);
  const complete = ref(false);
  const error = shallowRef<ApiError | null>(null);
  let controller: AbortController | null = null;

  async function load(q: ResourceListQuery) {
    controller?.abort();
    const ctrl = new AbortController();
    controller = ctrl;
    loading.value = true;
    complete.value = false;
    error.value = null;
    const api = kubeApi(client, q.cluster);
    const base = {
      namespace: q.type.namespaced ? q.namespace || undefined : undefined,
      labelSelector: q.labelSelector || undefined,
      signal: ctrl.signal,
    };
    try {
      let page = await api.listTable(q.type, { ...base, limit: FIRST_PAGE });
      if (ctrl.signal.aborted) return;
      state.applySnapshot(page);
      while (page.metadata.continue) {
        page = await api.listTable(q.type, { ...base, limit: NEXT_PAGES, continueToken: page.metadata.continue });
        if (ctrl.signal.aborted) return;
        state.appendPage(page);
      }
      complete.value = true;
    } catch (err) {
      if (ctrl.signal.aborted) return;
      error.value = err as ApiError;
      state.clear();
    } finally {
      if (controller === ctrl) loading.value = false;
    }
  }

  watch(query, (q) => void load(q), { immediate: true, deep: true });
  onBeforeUnmount(() => controller?.abort());

  return { state, loading, complete, error, reload: () => load(query.value) };
}
