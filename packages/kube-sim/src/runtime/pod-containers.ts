// Which container of a pod a logs or exec request means, with the apiserver's error messages.
import type { K8sObject } from '../store/k8s-object.js';
import { badRequest } from '../errors/status-error.js';
import { nameOf } from './object-helpers.js';

export function resolveContainer(pod: K8sObject, requested: string | null): K8sObject {
  const containers = (pod.spec?.containers ?? []) as K8sObject[];
  const inits = (pod.spec?.initContainers ?? []) as K8sObject[];
  if (!requested) {
    if (containers.length === 1) return containers[0] as K8sObject;
    const names = containers.map((c) => c.name).join(' ');
    const initNames = inits.length ? ` or one of the init containers: [${inits.map((c) => c.name).join(' ')}]` : '';
    throw badRequest(`a container name must be specified for pod ${nameOf(pod)}, choose one of: [${names}]${initNames}`);
  }
  const found = [...containers, ...inits].find((c) => c.name === requested);
  if (!found) throw badRequest(`container ${requested} is not valid for pod ${nameOf(pod)}`);
  return found;
}

export function containerStatus(pod: K8sObject, name: string): K8sObject | undefined {
  const all = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])] as K8sObject[];
  return all.find((s) => s.name === name);
}
