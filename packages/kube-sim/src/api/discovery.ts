// Discovery documents (/api, /api/v1, /apis, /apis/<group>[/<version>]) and aggregated discovery
// (APIGroupDiscoveryList, what kubectl asks for first), built from the resource registry so CRDs
// appear as soon as they are created. Shapes follow a real v1.28 apiserver.
import { createHash } from 'node:crypto';
import { apiVersionOf, type ResourceDef } from '../resources/resource-def.js';
import type { ResourceRegistry } from '../resources/resource-registry.js';

const storageVersionHash = (def: ResourceDef): string =>
  createHash('sha256').update(`${def.group}/${def.version}/${def.kind}`).digest('base64').slice(0, 11) + '=';

export function apiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(g: { group: string; versions: string[]; preferred: string }): unknown {
  return {
    name: g.group,
    versions: g.versions.map((v) => ({ groupVersion: apiVersionOf(g.group, v), version: v })),
    preferredVersion: { groupVersion: apiVersionOf(g.group, g.preferred), version: g.preferred },
  };
}

export function apiGroupList(registry: ResourceRegistry): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().filter((g) => g.group !== '').map(groupEntry) };
}

export function apiGroup(registry: ResourceRegistry, group: string): unknown | undefined {
  const g = registry.groups().find((x) => x.group === group && group !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...(groupEntry(g) as object) } : undefined;
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string): unknown | undefined {
  const defs = registry.inGroupVersion(group, version).sort((a, b) => a.resource.localeCompare(b.resource));
  if (defs.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const def of defs) {
    resources.push({
      name: def.resource,
      singularName: def.singular,
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: def.verbs,
      ...(def.shortNames.length ? { shortNames: def.shortNames } : {}),
      ...(def.categories.length ? { categories: def.categories } : {}),
      storageVersionHash: storageVersionHash(def),
    });
    for (const sub of [...def.subresources].sort((a, b) => a.subresource.localeCompare(b.subresource))) {
      resources.push({
        name: `${def.resource}/${sub.subresource}`,
        singularName: '',
        namespaced: def.namespaced,
        ...(sub.responseKind.group ? { group: sub.responseKind.group } : {}),
        ...(sub.responseKind.version ? { version: sub.responseKind.version } : {}),
        kind: sub.responseKind.kind,
        verbs: sub.verbs,
      });
    }
  }
  // the core group's list carries no apiVersion, as a real apiserver answers /api/v1
  const groupVersion = apiVersionOf(group, version);
  return group === '' ? { kind: 'APIResourceList', groupVersion, resources } : { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

function discoveryResource(def: ResourceDef): unknown {
  return {
    resource: def.resource,
    responseKind: { group: '', version: '', kind: def.kind },
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: def.verbs,
    ...(def.shortNames.length ? { shortNames: def.shortNames } : {}),
    ...(def.categories.length ? { categories: def.categories } : {}),
    ...(def.subresources.length
      ? { subresources: [...def.subresources].sort((a, b) => a.subresource.localeCompare(b.subresource)) }
      : {}),
  };
}

/** APIGroupDiscoveryList for /api (core only) or /apis (every named group). */
export function aggregatedDiscovery(registry: ResourceRegistry, root: 'api' | 'apis', version: 'v2' | 'v2beta1'): unknown {
  const groups = registry.groups().filter((g) => (root === 'api' ? g.group === '' : g.group !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { ...(g.group ? { name: g.group } : {}), creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: registry.inGroupVersion(g.group, v).sort((a, b) => a.resource.localeCompare(b.resource)).map(discoveryResource),
        freshness: 'Current',
      })),
    })),
  };
}

export const aggregatedContentType = (version: string): string =>
  `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
