// What LogViewer and PodTerminal both take to reach a pod (the API root, a token getter, cluster and
// namespace) and the language of their few words, with what they derive from it.
import { computed } from 'vue';
import { streamMessages } from './stream-messages';
import type { PodRef } from './stream-url';

export interface StreamTargetProps {
  apiBase: string;
  getToken: () => string | null | Promise<string | null>;
  cluster: string;
  namespace: string;
  locale?: string;
}

/** The component's messages in its locale, and the pod its stream opens ('' for aggregated logs). */
export function useStreamTarget(props: Readonly<StreamTargetProps & { pod?: string }>) {
  return {
    t: computed(() => streamMessages(props.locale)),
    podRef: computed<PodRef>(() => ({ apiBase: props.apiBase, cluster: props.cluster, namespace: props.namespace, pod: props.pod ?? '' })),
  };
}
