// Server-side apply (application/apply-patch+yaml): merges an applied configuration into the live
// object, removes what this manager applied before and no longer does, and refuses (409 Conflict)
// to change a field another manager owns unless `force` is set.
import { StatusError } from '../errors/status-error.js';
import { cloneJson, deepEqual } from '../store/json-values.js';
import type { K8sObject, ManagedFieldsEntry } from '../store/k8s-object.js';
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
  const conflicts: { manager: string; field: string }[] = [];
  for (const key of appliedSet) {
    const path = keyPath(key);
    // a keyed item's own entry only says "this item exists"; its fields carry the values
    if (path[path.length - 1] === '.') continue;
    if (deepEqual(valueAt(applied, path), valueAt(live, path))) continue;
    for (const o of others) {
      if (o.set.has(key)) {
        conflicts.push({ manager: printManager(o.entry), field: describePath(key) });
      }
    }
    taken.add(key);
  }
  if (conflicts.length > 0 && !opts.force) {
    throw new StatusError(409, 'Conflict', conflictMessage(conflicts), {
      name: live.metadata?.name,
      kind: opts.kind,
      causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.manager}`, field: c.field })),
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

/** The fieldmanager's printManager: an Update manager is named with its apiVersion, an Apply manager alone. */
function printManager(entry: ManagedFieldsEntry): string {
  let name = JSON.stringify(entry.manager);
  if (entry.subresource) name = `${name} with subresource ${JSON.stringify(entry.subresource)}`;
  return entry.operation === 'Update' ? `${name} using ${entry.apiVersion}` : name;
}

/** getConflictMessage: one conflict inline, several grouped by manager (sorted), one path a line. */
function conflictMessage(conflicts: { manager: string; field: string }[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only) return `Apply failed with 1 conflict: conflict with ${only.manager}: ${only.field}`;
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${manager}:`);
    for (const field of byManager.get(manager) ?? []) lines.push(`- ${field}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}
