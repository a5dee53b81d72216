// Turns a CustomResourceDefinition object into the ResourceDef that serves its resources.
import type { PrinterColumn, ResourceDef, ScaleSubresourcePaths } from '../resources/resource-def.js';
import { sortVersions } from '../resources/resource-registry.js';
import type { K8sObject } from './k8s-object.js';

export function resourceDefFromCrd(crd: K8sObject): ResourceDef {
  const spec = crd.spec as K8sObject;
  const names = spec.names as K8sObject;
  const versions = ((spec.versions ?? []) as K8sObject[]).filter((v) => v.served !== false);
  const storage = versions.find((v) => v.storage) ?? versions[0];
  const printerColumns: Record<string, PrinterColumn[]> = {};
  let scale: ScaleSubresourcePaths | undefined;
  let hasStatus = false;
  for (const v of versions) {
    printerColumns[v.name] = ((v.additionalPrinterColumns ?? []) as K8sObject[]).map((c) => ({
      name: c.name,
      type: c.type ?? 'string',
      format: c.format ?? '',
      description: c.description ?? '',
      priority: c.priority ?? 0,
      jsonPath: c.jsonPath,
    }));
    if (v.subresources?.status) hasStatus = true;
    if (v.subresources?.scale) scale = v.subresources.scale;
  }
  const kind = String(names.kind);
  const group = String(spec.group);
  const version = String(storage?.name ?? 'v1');
  const responseKind = { group: '', version: '', kind };
  const subresources = [];
  if (hasStatus) subresources.push({ subresource: 'status', responseKind, verbs: ['get', 'patch', 'update'] });
  if (scale) subresources.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
  return {
    group,
    version,
    versions: sortVersions(versions.map((v) => String(v.name))),
    resource: String(names.plural),
    kind,
    listKind: String(names.listKind ?? `${kind}List`),
    singular: String(names.singular ?? kind.toLowerCase()),
    namespaced: spec.scope === 'Namespaced',
    shortNames: (names.shortNames as string[] | undefined) ?? [],
    categories: (names.categories as string[] | undefined) ?? [],
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
    subresources,
    custom: { crdName: String(crd.metadata?.name), printerColumns, ...(scale ? { scale } : {}) },
  };
}

/** The status a real apiserver gives an accepted CRD (Established, NamesAccepted). */
export function crdStatus(crd: K8sObject, now: string): K8sObject {
  const spec = crd.spec as K8sObject;
  const condition = (type: string, reason: string, message: string): K8sObject => ({
    type, status: 'True', lastTransitionTime: now, reason, message,
  });
  const names = { ...(spec.names as K8sObject) };
  names.singular ??= String(names.kind).toLowerCase();
  names.listKind ??= `${names.kind}List`;
  return {
    acceptedNames: names,
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    storedVersions: ((spec.versions ?? []) as K8sObject[]).filter((v) => v.storage).map((v) => v.name),
  };
}
