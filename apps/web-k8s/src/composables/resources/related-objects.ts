// Links from an object to the objects around it: its owners (owner chain), the pods a workload
// or service selects, a service's endpoints. Routes only: the target pages load what they show.
import type { RouteLocationRaw } from 'vue-router';
import type { KubeObject } from '#/api/kube';
import { BUILTIN_RESOURCES, groupSegment } from './resource-catalogue';

export interface RelatedLink {
  kind: 'owner' | 'pods' | 'endpoints' | 'instances';
  label: string;
  to: RouteLocationRaw;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** matchLabels (and plain selector maps) as a label selector string; expressions are left out. */
export function selectorString(selector: unknown): string {
  if (!selector || typeof selector !== 'object') return '';
  const sel = selector as { matchLabels?: Record<string, string> } & Record<string, unknown>;
  const labels = sel.matchLabels ?? (Object.values(sel).every((v) => typeof v === 'string') ? (sel as Record<string, string>) : {});
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function relatedLinks(cluster: string, obj: KubeObject): RelatedLink[] {
  const links: RelatedLink[] = [];
  const ns = obj.metadata.namespace;
  for (const owner of obj.metadata.ownerReferences ?? []) {
    const { group, version } = splitApiVersion(owner.apiVersion);
    const type = BUILTIN_RESOURCES.find((r) => r.kind === owner.kind && r.group === group);
    if (!type) continue;
    links.push({
      kind: 'owner',
      label: `${owner.kind}/${owner.name}`,
      to: {
        name: 'resource-detail',
        params: { cluster, group: groupSegment(group), version, resource: type.resource, namespace: type.namespaced ? (ns ?? '-') : '-', name: owner.name },
      },
    });
  }
  const spec = (obj.spec ?? {}) as { selector?: unknown };
  const selectsPods = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Service'].includes(obj.kind);
  const labels = selectsPods ? selectorString(spec.selector) : '';
  if (labels) {
    links.push({
      kind: 'pods',
      label: labels,
      to: { name: 'resource-list', params: { cluster, group: 'core', version: 'v1', resource: 'pods' }, query: { namespace: ns, labels } },
    });
  }
  if (obj.kind === 'Service' && ns) {
    links.push({
      kind: 'endpoints',
      label: `Endpoints/${obj.metadata.name}`,
      to: { name: 'resource-detail', params: { cluster, group: 'core', version: 'v1', resource: 'endpoints', namespace: ns, name: obj.metadata.name } },
    });
  }
  if (obj.kind === 'CustomResourceDefinition') {
    const crd = obj.spec as { group?: string; names?: { plural?: string; kind?: string }; versions?: Array<{ name: string; served?: boolean; storage?: boolean }> };
    const served = (crd.versions ?? []).filter((v) => v.served !== false);
    const version = served.find((v) => v.storage) ?? served[0];
    if (crd.group && crd.names?.plural && version) {
      links.push({
        kind: 'instances',
        label: crd.names.kind ?? crd.names.plural,
        to: { name: 'resource-list', params: { cluster, group: groupSegment(crd.group), version: version.name, resource: crd.names.plural } },
      });
    }
  }
  return links;
}
