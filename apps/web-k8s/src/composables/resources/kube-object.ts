// One object of a cluster, loaded for the detail page. Only the latest request counts: when the
// page moves to another object (a related link, Back) while a request is still out, the late
// answer of the old object must never show, nor be what the page's actions act on.
import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue';
import { useApiClient } from '#/api/context';
import { kubeApi, type KubeObject } from '#/api/kube';
import type { ApiError } from '#/api/client';
import type { ResourceType } from './resource-catalogue';

export interface ObjectRef {
  cluster: string;
  type: Pick<ResourceType, 'group' | 'version' | 'resource'>;
  namespace?: string;
  name: string;
}

export const objectRefKey = (r: ObjectRef) =>
  JSON.stringify([r.cluster, r.type.group, r.type.version, r.type.resource, r.namespace ?? '', r.name]);

export function useKubeObject(target: Ref<ObjectRef>) {
  const client = useApiClient();
  const object = shallowRef<KubeObject | null>(null);
  const error = shallowRef<ApiError | null>(null);
  const loading = ref(false);
  let current: AbortController | null = null;

  async function load() {
    current?.abort();
    const ctrl = new AbortController();
    current = ctrl;
    const t = target.value;
    loading.value = true;
    error.value = null;
    try {
      const obj = await kubeApi(client, t.cluster).get(t.type, t.namespace, t.name, ctrl.signal);
      if (current !== ctrl) return;
      object.value = obj;
    } catch (err) {
      if (current !== ctrl) return;
      error.value = err as ApiError;
      object.value = null;
    } finally {
      if (current === ctrl) loading.value = false;
    }
  }

  // Another object: forget the old one at once, so nothing of it is shown or acted on meanwhile.
  watch(
    () => objectRefKey(target.value),
    () => {
      object.value = null;
      void load();
    },
    { immediate: true },
  );
  onBeforeUnmount(() => {
    current?.abort();
    current = null;
  });

  return { object, error, loading, load };
}
