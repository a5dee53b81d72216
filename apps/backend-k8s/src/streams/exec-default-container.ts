// Which container an exec without `container` means, as kubectl decides it: the one named by the
// kubectl.kubernetes.io/default-container annotation when the pod has it, else the first one.
// The apiserver itself refuses such an exec on a pod with several containers.
import type { ClusterConnection } from '../clusters/credentials.js';
import { readJson, readSmallBody, statusMessage, upstreamErrorCode, upstreamGet } from './upstream-http.js';
import { pathSegment } from '../kube/request-info.js';

export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

interface PodSpecPart {
  metadata?: { annotations?: Record<string, string> };
  spec?: { containers?: { name: string }[] };
}

export class DefaultContainerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The default container of a pod object; undefined when it has none. */
export function defaultContainerOf(pod: PodSpecPart): string | undefined {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  // kubectl ignores (with a warning) an annotation naming no container of the pod
  if (annotated && names.includes(annotated)) return annotated;
  return names[0];
}

export async function resolveDefaultContainer(cluster: ClusterConnection, namespace: string, pod: string, signal: AbortSignal): Promise<string> {
  const res = await upstreamGet(cluster, `/api/v1/namespaces/${pathSegment(namespace)}/pods/${pathSegment(pod)}`, undefined, { signal });
  if (res.statusCode !== 200) {
    const body = await readSmallBody(res).catch(() => '');
    throw new DefaultContainerError(upstreamErrorCode(res.statusCode ?? 0), statusMessage(body, `pod ${pod}: ${res.statusCode}`));
  }
  const container = defaultContainerOf(await readJson<PodSpecPart>(res));
  if (!container) throw new DefaultContainerError('BAD_REQUEST', `pod ${pod} has no containers`);
  return container;
}
