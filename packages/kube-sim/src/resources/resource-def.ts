// What kube-sim knows about one served resource: enough to route, store, discover and print it.

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface SubresourceDef {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

/** A printer column of a CRD (additionalPrinterColumns) or a built-in kind. */
export interface PrinterColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  /** JSONPath of a CRD column, e.g. `.spec.replicas` */
  jsonPath?: string;
}

export interface ScaleSubresourcePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface ResourceDef {
  group: string;
  /** the version objects are stored and preferred in */
  version: string;
  /** every served version (CRDs may serve several, without conversion) */
  versions: string[];
  resource: string;
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: SubresourceDef[];
  /** set for resources defined by a CustomResourceDefinition */
  custom?: {
    crdName: string;
    printerColumns: Record<string, PrinterColumn[]>;
    scale?: ScaleSubresourcePaths;
  };
}

export const storageKey = (def: { group: string; resource: string }): string =>
  def.group ? `${def.resource}.${def.group}` : def.resource;

export const apiVersionOf = (group: string, version: string): string => (group ? `${group}/${version}` : version);

export const hasSubresource = (def: ResourceDef, name: string): boolean =>
  def.subresources.some((s) => s.subresource === name);
