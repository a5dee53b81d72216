// The apiserver's validation, kept to what clients visibly rely on: name formats, required fields,
// selectors that match their templates. Failures become 422 Invalid with field causes.
import { invalid, type StatusCause } from '../errors/status-error.js';
import type { ResourceDef } from '../resources/resource-def.js';
import type { K8sObject } from './k8s-object.js';
import { labelSelectorMatcher } from './selectors.js';

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const subdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMessage =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** Resources whose names are DNS-1123 labels rather than subdomains. */
const labelNamed = new Set(['namespaces', 'services']);
/** Resources whose names only have to be valid path segments. */
const pathSegmentNamed = new Set(['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings', 'events']);

export function validateName(def: ResourceDef, name: string): StatusCause[] {
  const invalidValue = (why: string): StatusCause[] => [
    { reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(name)}: ${why}`, field: 'metadata.name' },
  ];
  if (pathSegmentNamed.has(def.resource)) {
    if (name === '.' || name === '..' || /[/%]/.test(name)) return invalidValue('may not contain \'/\' or \'%\'');
    return [];
  }
  if (labelNamed.has(def.resource)) {
    if (name.length > 63) return invalidValue('must be no more than 63 characters');
    return dns1123Label.test(name) ? [] : invalidValue(labelMessage);
  }
  if (name.length > 253) return invalidValue('must be no more than 253 characters');
  return dns1123Subdomain.test(name) ? [] : invalidValue(subdomainMessage);
}

const required = (field: string): StatusCause => ({ reason: 'FieldValueRequired', message: 'Required value', field });

function validatePodSpec(spec: K8sObject | undefined, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const containers = spec?.containers as K8sObject[] | undefined;
  if (!Array.isArray(containers) || containers.length === 0) return [required(`${path}.containers`)];
  containers.forEach((c, i) => {
    if (!c.name) causes.push(required(`${path}.containers[${i}].name`));
    else if (!dns1123Label.test(c.name))
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(c.name)}: ${labelMessage}`, field: `${path}.containers[${i}].name` });
    if (!c.image) causes.push(required(`${path}.containers[${i}].image`));
  });
  return causes;
}

function validateWorkload(obj: K8sObject): StatusCause[] {
  const spec = obj.spec as K8sObject | undefined;
  const causes: StatusCause[] = [];
  if (!spec?.selector) causes.push(required('spec.selector'));
  const labels = spec?.template?.metadata?.labels as Record<string, string> | undefined;
  if (spec?.selector && !labelSelectorMatcher(spec.selector)(labels)) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(labels ?? {})}: \`selector\` does not match template \`labels\``,
      field: 'spec.template.metadata.labels',
    });
  }
  if (typeof spec?.replicas === 'number' && spec.replicas < 0) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${spec.replicas}: must be greater than or equal to 0`, field: 'spec.replicas' });
  }
  causes.push(...validatePodSpec(spec?.template?.spec, 'spec.template.spec'));
  return causes;
}

/** Throws 422 Invalid when the object would be refused by a real apiserver for one of the checked reasons. */
export function validateObject(def: ResourceDef, obj: K8sObject): void {
  const name = obj.metadata?.name ?? '';
  const causes: StatusCause[] = [];
  if (!name) causes.push({ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' });
  else causes.push(...validateName(def, name));
  if (def.custom === undefined) {
    if (def.group === '' && def.resource === 'pods') causes.push(...validatePodSpec(obj.spec, 'spec'));
    if (def.group === 'apps' && ['deployments', 'replicasets', 'statefulsets', 'daemonsets'].includes(def.resource)) {
      causes.push(...validateWorkload(obj));
    }
    if (def.resource === 'customresourcedefinitions') causes.push(...validateCrd(obj));
  }
  if (causes.length > 0) throw invalid(def.kind, def.group, name, causes);
}

function validateCrd(obj: K8sObject): StatusCause[] {
  const spec = obj.spec as K8sObject | undefined;
  const causes: StatusCause[] = [];
  if (!spec?.group) causes.push(required('spec.group'));
  if (!spec?.names?.plural) causes.push(required('spec.names.plural'));
  if (!spec?.names?.kind) causes.push(required('spec.names.kind'));
  if (!['Namespaced', 'Cluster'].includes(spec?.scope)) {
    causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(spec?.scope ?? '')}: supported values: "Cluster", "Namespaced"`, field: 'spec.scope' });
  }
  if (!Array.isArray(spec?.versions) || spec.versions.length === 0) causes.push(required('spec.versions'));
  else if (spec.versions.filter((v: K8sObject) => v.storage).length !== 1) {
    causes.push({ reason: 'FieldValueInvalid', message: 'Invalid value: must have exactly one version marked as storage version', field: 'spec.versions' });
  }
  if (spec?.group && spec?.names?.plural && obj.metadata?.name !== `${spec.names.plural}.${spec.group}`) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(obj.metadata?.name)}: must be spec.names.plural+"."+spec.group`, field: 'metadata.name' });
  }
  return causes;
}

/** Pod specs are immutable but for images and a few fields; a client's update that changes more is refused, as the apiserver does. */
export function validatePodUpdate(old: K8sObject, obj: K8sObject): void {
  const comparable = (spec: K8sObject | undefined): K8sObject => {
    const copy = JSON.parse(JSON.stringify(spec ?? {})) as K8sObject;
    for (const key of ['containers', 'initContainers']) for (const c of (copy[key] as K8sObject[] | undefined) ?? []) delete c.image;
    for (const key of ['activeDeadlineSeconds', 'tolerations', 'terminationGracePeriodSeconds', 'schedulingGates']) delete copy[key];
    return copy;
  };
  if (JSON.stringify(sortKeys(comparable(old.spec))) === JSON.stringify(sortKeys(comparable(obj.spec)))) return;
  throw invalid('Pod', '', obj.metadata?.name ?? '', [{
    reason: 'FieldValueForbidden',
    message: 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    field: 'spec',
  }]);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as K8sObject)[k])]));
  return v;
}
