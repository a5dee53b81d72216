// Column definitions of the built-in kinds' Tables: the reference captured from a real v1.28
// apiserver where it has them, and kubectl's printers for the rest.
import { readFileSync } from 'node:fs';
import type { PrinterColumn } from '../resources/resource-def.js';

const reference = JSON.parse(
  readFileSync(new URL('../reference/table-columns.json', import.meta.url), 'utf8'),
) as Record<string, PrinterColumn[]>;

const col = (name: string, type = 'string', priority = 0, format = '', description = ''): PrinterColumn => ({ name, type, format, description, priority });
const nameCol = (): PrinterColumn =>
  col('Name', 'string', 0, 'name', 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names');
const ageCol = (): PrinterColumn => col('Age', 'string', 0, '', 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata');

/** Columns a real apiserver prints for kinds missing from the captured reference (from kubectl's printers). */
const extra: Record<string, PrinterColumn[]> = {
  rolebindings: [nameCol(), col('Role'), ageCol(), col('Users', 'string', 1), col('Groups', 'string', 1), col('ServiceAccounts', 'string', 1)],
  clusterrolebindings: [nameCol(), col('Role'), ageCol(), col('Users', 'string', 1), col('Groups', 'string', 1), col('ServiceAccounts', 'string', 1)],
  storageclasses: [nameCol(), col('Provisioner'), col('ReclaimPolicy'), col('VolumeBindingMode'), col('AllowVolumeExpansion'), ageCol()],
  endpointslices: [nameCol(), col('AddressType'), col('Ports'), col('Endpoints'), ageCol()],
  ingressclasses: [nameCol(), col('Controller'), col('Parameters'), ageCol()],
  networkpolicies: [nameCol(), col('Pod-Selector'), ageCol()],
  limitranges: [nameCol(), col('Created At', 'date')],
  resourcequotas: [nameCol(), ageCol(), col('Request'), col('Limit')],
  podtemplates: [col('Template', 'string', 0, 'name'), col('Containers'), col('Images'), col('Pod Labels')],
  replicationcontrollers: [nameCol(), col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), ageCol(), col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
  controllerrevisions: [nameCol(), col('Controller'), col('Revision', 'integer'), ageCol()],
  leases: [nameCol(), col('Holder'), ageCol()],
  priorityclasses: [nameCol(), col('Value', 'integer'), col('Global-Default', 'boolean'), ageCol(), col('PreemptionPolicy', 'string', 1)],
};

/** Columns for a built-in resource, or the default Name + Created At. */
export function builtinColumns(resource: string): PrinterColumn[] {
  return reference[resource] ?? extra[resource] ?? defaultColumns();
}

export function defaultColumns(): PrinterColumn[] {
  return [nameCol(), col('Created At', 'date', 0, '', ageCol().description)];
}
