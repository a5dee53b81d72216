// Server-side apply (application/apply-patch+yaml): merges an applied configuration into the live
// object, removes what this manager applied before and no longer does, and refuses (409 Conflict)
// to change a field another manager owns unless `force` is set.
import { StatusError } from '../errors/status-error.js';
import { cloneJson, deepEqual } from '../store/json-values.js';
import type { K8sObject } from '../store/k8s-object.js';
import { describePath, fieldSet, keyPath, managerSets, recordOwnership, removeAt, valueAt } from './managed-fields.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

export interface ApplyOptions {
  manager: string;
  force: boolean;
  kind: string;
  apiVersion: string;
  subresource?: string;
}

export function serverSideApply(live: K8sObject, applied: K8sObject, opts: ApplyOptions): K8sObject {
  const appliedSet = fieldSet(applied, opts.kind);
  const others = managerSets(live).filter((m) => !(m.entry.manager === opts.manager && m.entry.operation === 'Apply'));
  const previous = managerSets(live).find((m) => m.entry.manager === opts.manager && m.entry.operation === 'Apply')?.set ?? new Set<string>();

  const taken = new Set<string>();
  const conflicts: { manager: string; apiVersion: string; field: string }[] = [];
  for (const key of appliedSet) {
    const path = keyPath(key);
    // a keyed item's own entry only says "this item exists"; its fields carry the values
    if (path[path.length - 1] === '.') continue;
    if (deepEqual(valueAt(applied, path), valueAt(live, path))) continue;
    for (const o of others) {
      if (o.set.has(key)) {
        conflicts.push({ manager: o.entry.manager, apiVersion: o.entry.apiVersion, field: describePath(key) });
      }
    }
    taken.add(key);
  }
  if (conflicts.length > 0 && !opts.force) {
    const lines = conflicts.map((c) => `conflict with "${c.manager}" using ${c.apiVersion}: ${c.field}`);
    throw new StatusError(409, 'Conflict', `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${lines.join('\n')}`, {
      name: live.metadata?.name,
      kind: opts.kind,
      causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${c.apiVersion}`, field: c.field })),
    });
  }

  const body = cloneJson(applied);
  delete body.metadata?.managedFields;
  const merged = applyStrategicMergePatch(live, body, opts.kind) as K8sObject;
  const ownedByOthers = new Set(others.flatMap((o) => [...o.set]));
  for (const key of previous) {
    if (!appliedSet.has(key) && !ownedByOthers.has(key)) removeAt(merged, keyPath(key));
  }
  merged.metadata = { ...merged.metadata, managedFields: live.metadata?.managedFields };
  recordOwnership(merged, opts.manager, 'Apply', appliedSet, taken, opts.apiVersion, opts.subresource);
  return merged;
}
