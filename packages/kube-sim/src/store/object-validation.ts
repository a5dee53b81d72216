// The apiserver's validation, kept to what clients visibly rely on: name formats, required fields,
// selectors that match their templates. Failures become 422 Invalid with field causes.
import { badRequest, invalid, type StatusCause } from '../errors/status-error.js';
import type { ResourceDef } from '../resources/resource-def.js';
import type { K8sObject } from './k8s-object.js';
import { labelSelectorMatcher, type LabelSelectorSpec } from './selectors.js';

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const subdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMessage =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Message =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/** Resources whose names are DNS-1123 labels rather than subdomains. */
const labelNamed = new Set(['namespaces']);
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
  // a Service's name becomes a DNS name in the cluster: ValidateServiceName is NameIsDNS1035Label
  if (def.group === '' && def.resource === 'services') {
    if (name.length > 63) return invalidValue('must be no more than 63 characters');
    return dns1035Label.test(name) ? [] : invalidValue(dns1035Message);
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
  causes.push(...validateLabelsAndAnnotations(obj));
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

// ValidateLabels / ValidateAnnotations of apimachinery's ObjectMeta validation.
const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const qualifiedNameRegexMessage =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const labelValueMessage =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const totalAnnotationBytes = 256 * 1024;

/** IsQualifiedName: `[prefix/]name`, the prefix a DNS-1123 subdomain, the name at most 63 characters. */
function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  if (parts.length > 2) {
    return [`a qualified name ${qualifiedNameRegexMessage} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const errors: string[] = [];
  const name = parts[parts.length - 1] ?? '';
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix === '') errors.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) errors.push('prefix part must be no more than 253 characters');
      if (!dns1123Subdomain.test(prefix)) errors.push(`prefix part ${subdomainMessage}`);
    }
  }
  if (name === '') errors.push('name part must be non-empty');
  else if (name.length > 63) errors.push('name part must be no more than 63 characters');
  if (!qualifiedNamePart.test(name)) errors.push(`name part ${qualifiedNameRegexMessage}`);
  return errors;
}

function validateLabelsAndAnnotations(obj: K8sObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const bad = (field: string, value: string, why: string): StatusCause => ({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${why}`, field });
  const labels = obj.metadata?.labels;
  if (labels && typeof labels === 'object') {
    for (const [key, value] of Object.entries(labels)) {
      for (const why of qualifiedNameErrors(key)) causes.push(bad('metadata.labels', key, why));
      if (value === null) continue; // decodes as ""
      if (typeof value !== 'string') throw badRequest(`json: cannot unmarshal ${jsonTypeName(value)} into Go struct field ObjectMeta.metadata.labels of type string`);
      if (value.length > 63) causes.push(bad('metadata.labels', value, 'must be no more than 63 characters'));
      if (!labelValue.test(value)) causes.push(bad('metadata.labels', value, labelValueMessage));
    }
  }
  const annotations = obj.metadata?.annotations;
  if (annotations && typeof annotations === 'object') {
    let size = 0;
    for (const [key, value] of Object.entries(annotations)) {
      for (const why of qualifiedNameErrors(key.toLowerCase())) causes.push(bad('metadata.annotations', key.toLowerCase(), why));
      if (value === null) continue;
      if (typeof value !== 'string') throw badRequest(`json: cannot unmarshal ${jsonTypeName(value)} into Go struct field ObjectMeta.metadata.annotations of type string`);
      size += Buffer.byteLength(key) + Buffer.byteLength(value);
    }
    if (size > totalAnnotationBytes) {
      causes.push({ reason: 'FieldValueTooLong', message: `Too long: must have at most ${totalAnnotationBytes} bytes`, field: 'metadata.annotations' });
    }
  }
  return causes;
}

const jsonTypeName = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;

// Go's %#v of a metav1.LabelSelector, as "field is immutable" messages print it.
function goLabelSelector(sel: LabelSelectorSpec | undefined): string {
  if (!sel) return '(*v1.LabelSelector)(nil)';
  const labels = sel.matchLabels && Object.keys(sel.matchLabels).length > 0
    ? `map[string]string{${Object.keys(sel.matchLabels).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(sel.matchLabels?.[k])}`).join(', ')}}`
    : 'map[string]string(nil)';
  const exprs = sel.matchExpressions?.length
    ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions.map((e) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key)}, Operator:${JSON.stringify(e.operator)}, Values:${e.values ? `[]string{${e.values.map((v) => JSON.stringify(v)).join(', ')}}` : '[]string(nil)'}}`).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`;
}

/** apimachinery's Semantic.DeepEqual: nil and empty slices and maps are equal. */
function pruneEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(pruneEmpty);
  if (v && typeof v === 'object') {
    const out = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, pruneEmpty(x)]).filter(([, x]) => x !== undefined && x !== null));
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}
const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(pruneEmpty(a) ?? null)) === JSON.stringify(sortKeys(pruneEmpty(b) ?? null));

/** StatefulSet spec fields a client may change (ValidateStatefulSetUpdate). */
const statefulSetMutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/**
 * The immutable fields a client's update may not change (the strategies' ValidateUpdate): a
 * workload's selector, an immutable ConfigMap's or Secret's data, a Secret's type, most of a
 * StatefulSet's and a bound claim's spec.
 */
export function validateUpdate(def: ResourceDef, old: K8sObject, obj: K8sObject): void {
  const causes: StatusCause[] = [];
  const key = def.group ? `${def.resource}.${def.group}` : def.resource;
  if (['deployments.apps', 'replicasets.apps', 'daemonsets.apps', 'statefulsets.apps'].includes(key) && !sameJson(old.spec?.selector, obj.spec?.selector)) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${goLabelSelector(obj.spec?.selector)}: field is immutable`, field: 'spec.selector' });
  }
  if (key === 'statefulsets.apps') {
    const rest = (spec: K8sObject | undefined): K8sObject => Object.fromEntries(Object.entries(spec ?? {}).filter(([k]) => !statefulSetMutable.includes(k) && k !== 'selector'));
    if (!sameJson(rest(old.spec), rest(obj.spec))) {
      causes.push({
        reason: 'FieldValueForbidden',
        message: "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        field: 'spec',
      });
    }
  }
  if (key === 'configmaps' || key === 'secrets') {
    if (old.immutable === true) {
      const forbidden = (field: string): StatusCause => ({ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field });
      if (obj.immutable !== true) causes.push(forbidden('immutable'));
      if (!sameJson(old.data, obj.data)) causes.push(forbidden('data'));
      if (key === 'configmaps' && !sameJson(old.binaryData, obj.binaryData)) causes.push(forbidden('binaryData'));
    }
    if (key === 'secrets' && (old.type ?? 'Opaque') !== (obj.type ?? 'Opaque')) {
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(obj.type ?? '')}: field is immutable`, field: 'type' });
    }
  }
  if (key === 'persistentvolumeclaims' && old.status?.phase === 'Bound') {
    const rest = (spec: K8sObject | undefined): K8sObject => {
      const copy = JSON.parse(JSON.stringify(spec ?? {})) as K8sObject;
      if (copy.resources) delete copy.resources.requests;
      return copy;
    };
    if (!sameJson(rest(old.spec), rest(obj.spec))) {
      causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: spec is immutable after creation except resources.requests for bound claims', field: 'spec' });
    }
  }
  if (causes.length > 0) throw invalid(def.kind, def.group, obj.metadata?.name ?? '', causes);
}
