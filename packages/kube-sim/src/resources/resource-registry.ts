// The set of served resources: the built-in kinds (shapes taken from a real v1.28 apiserver's
// discovery) plus whatever CustomResourceDefinitions are created at run time.
import { readFileSync } from 'node:fs';
import type { PrinterColumn, ResourceDef, SubresourceDef } from './resource-def.js';
import { storageKey } from './resource-def.js';

interface DiscoveryResource {
  resource: string;
  responseKind: { group: string; version: string; kind: string };
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: SubresourceDef[];
}

interface DiscoveryGroup {
  group: string;
  versions: { version: string; resources: DiscoveryResource[] }[];
}

const builtinDiscovery = JSON.parse(
  readFileSync(new URL('../reference/builtin-discovery.json', import.meta.url), 'utf8'),
) as DiscoveryGroup[];

function builtinDefs(): ResourceDef[] {
  const defs: ResourceDef[] = [];
  for (const g of builtinDiscovery) {
    for (const v of g.versions) {
      for (const r of v.resources) {
        // a resource served in several versions (autoscaling v2 and v1) is one def; the first listed is stored
        const served = defs.find((d) => d.group === g.group && d.resource === r.resource);
        if (served) {
          served.versions.push(v.version);
          continue;
        }
        defs.push({
          group: g.group,
          version: v.version,
          versions: [v.version],
          resource: r.resource,
          kind: r.responseKind.kind,
          listKind: `${r.responseKind.kind}List`,
          singular: r.singularResource,
          namespaced: r.scope === 'Namespaced',
          shortNames: r.shortNames ?? [],
          categories: r.categories ?? [],
          verbs: r.verbs,
          subresources: r.subresources ?? [],
        });
      }
    }
  }
  return defs;
}

/** A reference to a resource as callers like to write it: 'pods', 'deployments.apps', 'apps/v1/deployments', or parts. */
export type ResourceRef = string | { group?: string; version?: string; resource: string };

export class ResourceRegistry {
  private readonly defs = new Map<string, ResourceDef>();
  private readonly builtinGroupOrder: string[];
  private readonly listeners = new Set<() => void>();

  constructor() {
    for (const def of builtinDefs()) this.defs.set(storageKey(def), def);
    this.builtinGroupOrder = builtinDiscovery.map((g) => g.group);
  }

  all(): ResourceDef[] {
    return [...this.defs.values()];
  }

  /** Groups in discovery order: core first, built-ins as a real apiserver lists them, then CRD groups by name. */
  groups(): { group: string; versions: string[]; preferred: string }[] {
    const byGroup = new Map<string, Set<string>>();
    const preferred = new Map<string, string>();
    for (const def of this.defs.values()) {
      const set = byGroup.get(def.group) ?? new Set<string>();
      for (const v of def.versions) set.add(v);
      byGroup.set(def.group, set);
      if (!preferred.has(def.group)) preferred.set(def.group, def.version);
    }
    const names = [...byGroup.keys()].sort((a, b) => {
      const ia = this.builtinGroupOrder.indexOf(a);
      const ib = this.builtinGroupOrder.indexOf(b);
      if (ia >= 0 || ib >= 0) return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib);
      return a.localeCompare(b);
    });
    return names.map((group) => ({
      group,
      versions: sortVersions([...(byGroup.get(group) ?? [])]),
      preferred: preferred.get(group) ?? '',
    }));
  }

  inGroupVersion(group: string, version: string): ResourceDef[] {
    return this.all().filter((d) => d.group === group && d.versions.includes(version));
  }

  lookup(group: string, version: string, resource: string): ResourceDef | undefined {
    const def = this.defs.get(storageKey({ group, resource }));
    return def && def.versions.includes(version) ? def : undefined;
  }

  byKind(group: string, kind: string): ResourceDef | undefined {
    return this.all().find((d) => d.group === group && d.kind === kind);
  }

  /** Resolves 'pods', 'v1/pods', 'apps/v1/deployments', 'deployments.apps', 'deploy' or an object form. */
  resolve(ref: ResourceRef): ResourceDef {
    const found = this.tryResolve(ref);
    if (!found) throw new Error(`kube-sim: unknown resource ${JSON.stringify(ref)}`);
    return found;
  }

  tryResolve(ref: ResourceRef): ResourceDef | undefined {
    if (typeof ref !== 'string') {
      const group = ref.group ?? this.all().find((d) => d.resource === ref.resource)?.group ?? '';
      const def = this.defs.get(storageKey({ group, resource: ref.resource }));
      return def && (!ref.version || def.versions.includes(ref.version)) ? def : undefined;
    }
    const parts = ref.split('/');
    if (parts.length === 3) return this.lookup(parts[0] ?? '', parts[1] ?? '', parts[2] ?? '');
    if (parts.length === 2) return this.lookup('', parts[0] ?? '', parts[1] ?? '');
    const direct = this.defs.get(ref);
    if (direct) return direct;
    return this.all().find((d) => d.resource === ref || d.shortNames.includes(ref) || d.singular === ref);
  }

  add(def: ResourceDef): void {
    this.defs.set(storageKey(def), def);
    this.changed();
  }

  remove(def: ResourceDef): void {
    this.defs.delete(storageKey(def));
    this.changed();
  }

  /** Called after any change of the served set (discovery caches listen). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first. */
export function sortVersions(versions: string[]): string[] {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0];
    const stage = m[2] === 'alpha' ? 2 : m[2] === 'beta' ? 1 : 0;
    return [stage, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  return [...versions].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2] || a.localeCompare(b);
  });
}

export type { PrinterColumn };
