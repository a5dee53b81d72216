// Server-side printing: turns objects into a meta.k8s.io/v1 Table with the columns kubectl shows.
import { badRequest } from '../errors/status-error.js';
import type { PrinterColumn, ResourceDef } from '../resources/resource-def.js';
import type { K8sObject } from '../store/k8s-object.js';
import { builtinCells } from './builtin-cells.js';
import { builtinColumns, defaultColumns } from './builtin-columns.js';
import { evaluateJsonPath } from './json-path.js';
import { age } from './human-duration.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** TableOptions.includeObject from the query, validated as the apiserver does (400 otherwise). */
export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const raw = query.get('includeObject') ?? '';
  if (raw === '') return 'Metadata';
  if (raw === 'None' || raw === 'Metadata' || raw === 'Object') return raw;
  throw badRequest(`Unable to convert to Table as requested: includeObject: Invalid value: ${JSON.stringify(raw)}: must be 'Metadata', 'Object', 'None', or empty`);
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: Omit<PrinterColumn, 'jsonPath'>[];
  rows: TableRow[];
}

/** A CRD without additionalPrinterColumns prints Name and Age, as apiextensions defaults it. */
const crdAgeColumn: PrinterColumn = {
  name: 'Age', type: 'date', format: '', priority: 0, jsonPath: '.metadata.creationTimestamp',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
};

function customColumns(def: ResourceDef, version: string): PrinterColumn[] {
  const extra = def.custom?.printerColumns[version] ?? [];
  return [defaultColumns()[0] as PrinterColumn, ...(extra.length === 0 ? [crdAgeColumn] : extra)];
}

export function tableColumns(def: ResourceDef, version: string): PrinterColumn[] {
  return def.custom ? customColumns(def, version) : builtinColumns(def.resource);
}

function customCell(column: PrinterColumn, obj: K8sObject, now: number): unknown {
  const values = evaluateJsonPath(obj, column.jsonPath ?? '');
  if (values.length === 0) return null;
  // the apiserver prints CRD date columns as ages
  if (column.type === 'date' && typeof values[0] === 'string') return age(values[0], now);
  const v = values.length === 1 ? values[0] : values.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(',');
  if (column.type === 'integer' || column.type === 'number') return typeof v === 'number' ? v : Number(v);
  if (column.type === 'boolean') return typeof v === 'boolean' ? v : v === 'true';
  return typeof v === 'object' ? JSON.stringify(v) : v;
}

function cellsFor(def: ResourceDef, version: string, columns: PrinterColumn[], obj: K8sObject, now: number): unknown[] {
  if (def.custom) {
    return columns.map((c, i) => {
      if (i === 0) return obj.metadata?.name ?? '';
      if (!c.jsonPath) return obj.metadata?.creationTimestamp ?? null;
      return customCell(c, obj, now);
    });
  }
  return builtinCells(def.resource, obj, now) ?? [obj.metadata?.name ?? '', obj.metadata?.creationTimestamp ?? null];
}

function rowObject(obj: K8sObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function toTable(
  def: ResourceDef,
  version: string,
  objects: K8sObject[],
  listMeta: Table['metadata'],
  include: IncludeObject,
  withColumns = true,
): Table {
  const columns = tableColumns(def, version);
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withColumns ? columns.map(({ jsonPath: _j, ...c }) => c) : [],
    rows: objects.map((o) => {
      const row: TableRow = { cells: cellsFor(def, version, columns, o, now) };
      const object = rowObject(o, include);
      if (object !== undefined) row.object = object;
      return row;
    }),
  };
}
