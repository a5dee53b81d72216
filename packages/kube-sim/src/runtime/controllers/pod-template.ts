// Turning a controller's pod template into a pod, as every workload controller does.
import type { K8sObject, OwnerReference } from '../../store/k8s-object.js';
import { cloneJson } from '../../store/json-values.js';

export function podFromTemplate(template: K8sObject, namespace: string, name: string, owner: OwnerReference, extraLabels: Record<string, string> = {}): K8sObject {
  const t = cloneJson(template ?? {});
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { ...(t.metadata?.labels ?? {}), ...extraLabels },
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      ownerReferences: [owner],
    },
    spec: t.spec ?? { containers: [] },
    status: { phase: 'Pending', conditions: [] },
  };
}
