// Which fields each resource can be selected by, and the string value the apiserver compares for
// each (its `ToSelectableFields`): a real v1.28 apiserver refuses any other field with 400
// BadRequest, and formats booleans and counts even when the object leaves them unset.
import { badRequest } from '../errors/status-error.js';
import type { ResourceDef } from '../resources/resource-def.js';
import type { K8sObject } from './k8s-object.js';

type FieldGetter = (obj: K8sObject) => string;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const name: FieldGetter = (o) => str(o.metadata?.name);
const namespace: FieldGetter = (o) => str(o.metadata?.namespace);
const meta = { 'metadata.name': name, 'metadata.namespace': namespace };

interface FieldTable {
  fields: Record<string, FieldGetter>;
  /** the conversion's error for another field */
  refuse: (label: string) => string;
}

const notSupported = (label: string): string => `field label not supported: ${label}`;

/** pkg/apis/core/v1/conversion.go and friends, with the field sets of pkg/registry/.../strategy.go */
const tables: Record<string, FieldTable> = {
  pods: {
    fields: {
      ...meta,
      'spec.nodeName': (o) => str(o.spec?.nodeName),
      // old clients' name for spec.nodeName
      'spec.host': (o) => str(o.spec?.nodeName),
      'spec.restartPolicy': (o) => str(o.spec?.restartPolicy),
      'spec.schedulerName': (o) => str(o.spec?.schedulerName),
      'spec.serviceAccountName': (o) => str(o.spec?.serviceAccountName),
      'spec.hostNetwork': (o) => String(o.spec?.hostNetwork === true),
      'status.phase': (o) => str(o.status?.phase),
      'status.podIP': (o) => str((o.status?.podIPs as { ip?: string }[] | undefined)?.[0]?.ip ?? o.status?.podIP),
      // accepted by the conversion, but not in the pod's field set: matches only the empty value
      'status.podIPs': () => '',
      'status.nominatedNodeName': (o) => str(o.status?.nominatedNodeName),
    },
    refuse: notSupported,
  },
  nodes: {
    fields: { 'metadata.name': name, 'spec.unschedulable': (o) => String(o.spec?.unschedulable === true) },
    refuse: notSupported,
  },
  events: {
    fields: {
      ...meta,
      'involvedObject.kind': (o) => str(o.involvedObject?.kind),
      'involvedObject.namespace': (o) => str(o.involvedObject?.namespace),
      'involvedObject.name': (o) => str(o.involvedObject?.name),
      'involvedObject.uid': (o) => str(o.involvedObject?.uid),
      'involvedObject.apiVersion': (o) => str(o.involvedObject?.apiVersion),
      'involvedObject.resourceVersion': (o) => str(o.involvedObject?.resourceVersion),
      'involvedObject.fieldPath': (o) => str(o.involvedObject?.fieldPath),
      reason: (o) => str(o.reason),
      reportingComponent: (o) => str(o.reportingComponent),
      source: (o) => str(o.source?.component || o.reportingComponent),
      type: (o) => str(o.type),
    },
    refuse: notSupported,
  },
  namespaces: { fields: { 'metadata.name': name, 'status.phase': (o) => str(o.status?.phase) }, refuse: notSupported },
  secrets: { fields: { ...meta, type: (o) => str(o.type) }, refuse: notSupported },
  replicationcontrollers: { fields: { ...meta, 'status.replicas': (o) => String(o.status?.replicas ?? 0) }, refuse: notSupported },
  'jobs.batch': { fields: { ...meta, 'status.successful': (o) => String(o.status?.succeeded ?? 0) }, refuse: notSupported },
  // accepted by the apps/v1 conversion, absent from the field set
  'statefulsets.apps': { fields: { ...meta, 'status.successful': () => '' }, refuse: (l) => `field label not supported for appsv1.StatefulSet: ${l}` },
};

/** Every other built-in kind: runtime.DefaultMetaV1FieldSelectorConversion. */
const defaultTable: FieldTable = {
  fields: meta,
  refuse: (label) => `"${label}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
};

function tableFor(def: ResourceDef): FieldTable {
  // custom resources (v1.28 has no selectableFields): metadata.name, and metadata.namespace when namespaced
  if (def.custom) return { fields: def.namespaced ? meta : { 'metadata.name': name }, refuse: notSupported };
  return tables[def.group ? `${def.resource}.${def.group}` : def.resource] ?? defaultTable;
}

/** The getter of one selectable field of a resource; throws the apiserver's 400 for any other field. */
export function selectableField(def: ResourceDef, label: string): FieldGetter {
  const table = tableFor(def);
  const getter = Object.prototype.hasOwnProperty.call(table.fields, label) ? table.fields[label] : undefined;
  if (!getter) throw badRequest(table.refuse(label));
  return getter;
}
