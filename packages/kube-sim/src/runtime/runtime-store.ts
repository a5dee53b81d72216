// The narrow view of the object store the runtime needs. Controllers write through it like a
// real controller-manager writes through the apiserver: whole objects, status included, and
// react to change notifications. index.ts adapts the core store to it.
import type { K8sObject } from '../store/k8s-object.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Storage keys, as the core names resources: `pods`, `deployments.apps`. */
export const R = {
  pods: 'pods',
  nodes: 'nodes',
  namespaces: 'namespaces',
  services: 'services',
  endpoints: 'endpoints',
  endpointSlices: 'endpointslices.discovery.k8s.io',
  events: 'events',
  configMaps: 'configmaps',
  secrets: 'secrets',
  serviceAccounts: 'serviceaccounts',
  pvcs: 'persistentvolumeclaims',
  pvs: 'persistentvolumes',
  storageClasses: 'storageclasses.storage.k8s.io',
  deployments: 'deployments.apps',
  replicaSets: 'replicasets.apps',
  statefulSets: 'statefulsets.apps',
  daemonSets: 'daemonsets.apps',
  controllerRevisions: 'controllerrevisions.apps',
  jobs: 'jobs.batch',
  cronJobs: 'cronjobs.batch',
  hpas: 'horizontalpodautoscalers.autoscaling',
  pdbs: 'poddisruptionbudgets.policy',
  ingresses: 'ingresses.networking.k8s.io',
  ingressClasses: 'ingressclasses.networking.k8s.io',
  networkPolicies: 'networkpolicies.networking.k8s.io',
  crds: 'customresourcedefinitions.apiextensions.k8s.io',
} as const;

export interface RuntimeStore {
  get(resource: string, namespace: string | undefined, name: string): K8sObject | undefined;
  list(resource: string, namespace?: string): K8sObject[];
  /** creates with the apiserver's defaults; returns the stored object */
  create(resource: string, obj: K8sObject): K8sObject;
  /** replaces the whole object (status too), ignoring resourceVersion */
  update(resource: string, obj: K8sObject): K8sObject;
  /** deletes (with ownerReference cascade); missing objects are ignored */
  remove(resource: string, namespace: string | undefined, name: string): void;
  /** `old` is the previous version of a MODIFIED object */
  onChange(listener: (type: ChangeType, resource: string, obj: K8sObject, old?: K8sObject) => void): () => void;
}
