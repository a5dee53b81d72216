// @k8s-console/kube-sim: a simulated Kubernetes API server for tests, benchmarks and the demo mode.
export { startKubeSim } from './kube-sim.js';
export { startApiServer, type KubeSim, type KubeSimOptions } from './api-server.js';
export { ObjectStore, type StoreEvent, type WatchEventType, type WriteOptions, type DeleteOptions, type ListOptions, type ListResult, type WatchOptions, type PatchType, type PatchOptions } from './store/object-store.js';
export type { K8sObject, ObjectMeta, OwnerReference, ManagedFieldsEntry } from './store/k8s-object.js';
export { ResourceRegistry, type ResourceRef } from './resources/resource-registry.js';
export type { ResourceDef, SubresourceDef, PrinterColumn } from './resources/resource-def.js';
export { storageKey, apiVersionOf } from './resources/resource-def.js';
export { Faults, type FaultSettings } from './faults.js';
export { StatusError, type Status, type StatusCause } from './errors/status-error.js';
export type { ApiRouter, SubresourceHandler, UpgradeHandler } from './api/api-router.js';
export type { ResourceContext } from './api/request-context.js';
export { labelSelectorMatcher, formatLabelSelector, type LabelSelectorSpec } from './store/selectors.js';
export { buildKubeconfig } from './kubeconfig.js';
export type { KubeSimRuntime, RuntimeOptions, ExecSessionRecord } from './runtime/index.js';
