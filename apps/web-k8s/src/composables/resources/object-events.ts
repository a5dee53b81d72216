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

/**
 * The events of one object: by uid, so a recreated namesake's old events stay out. Nodes are the
 * exception: the kubelet records its node's events with the node's NAME as involvedObject.uid
 * (the node controller uses the real uid), so kubectl describe node searches both; kind and name
 * find both at once.
 */
export function eventSelector(object: KubeObject): string | null {
  if (object.kind === 'Node') return `involvedObject.kind=Node,involvedObject.name=${object.metadata.name}`;
  return object.metadata.uid ? `involvedObject.uid=${object.metadata.uid}` : null;
}

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
    const fieldSelector = eventSelector(object.value);
    if (!fieldSelector) {
      events.value = [];
      error.value = null;
      loading.value = false;
      return;
    }
    loading.value = true;
    try {
      const list = await kubeApi(client, cluster.value).list<EventObject>(EVENTS, {
        namespace: object.value.metadata.namespace,
        fieldSelector,
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
