// The events whose involvedObject is one object, newest first. A failure (no right to list events,
// the cluster unreachable) is reported, not shown as "no events"; only the latest request counts.
import { onBeforeUnmount, shallowRef, watch, type Ref } from 'vue';
import { useApiClient } from '#/api/context';
import { kubeApi, type KubeObject } from '#/api/kube';
import type { ApiError } from '#/api/client';

export interface EventObject extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
}

const EVENTS = { group: '', version: 'v1', resource: 'events' };

export function useObjectEvents(cluster: Ref<string>, object: Ref<KubeObject>) {
  const client = useApiClient();
  const events = shallowRef<EventObject[]>([]);
  const loading = shallowRef(false);
  const error = shallowRef<ApiError | null>(null);
  let current: AbortController | null = null;

  async function load() {
    current?.abort();
    const ctrl = new AbortController();
    current = ctrl;
    const uid = object.value.metadata.uid;
    if (!uid) {
      events.value = [];
      error.value = null;
      loading.value = false;
      return;
    }
    loading.value = true;
    try {
      const list = await kubeApi(client, cluster.value).list<EventObject>(EVENTS, {
        namespace: object.value.metadata.namespace,
        fieldSelector: `involvedObject.uid=${uid}`,
        signal: ctrl.signal,
      });
      if (current !== ctrl) return;
      const when = (e: EventObject) => e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '';
      events.value = [...list.items].sort((a, b) => when(b).localeCompare(when(a)));
      error.value = null;
    } catch (err) {
      if (current !== ctrl) return;
      events.value = [];
      error.value = err as ApiError;
    } finally {
      if (current === ctrl) loading.value = false;
    }
  }

  watch(() => [cluster.value, object.value.metadata.uid, object.value.metadata.resourceVersion], load, { immediate: true });
  onBeforeUnmount(() => {
    current?.abort();
    current = null;
  });
  return { events, loading, error, reload: load };
}
