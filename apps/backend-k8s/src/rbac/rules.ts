// Console RBAC rules: Kubernetes PolicyRule semantics (additive only, no deny rules) plus the
// clusters and namespaces a rule applies to. Console administration is an API group of its own
// that a '*' never reaches: it must be named, so no Kubernetes-wide grant leaks into it.
import { CONSOLE_API_GROUP, type PolicyRule } from '@k8s-console/contracts';
import type { NonResourceAttributes, ResourceAttributes, Subject } from './authorizer.js';

export { CONSOLE_API_GROUP };
export type { PolicyRule };

const WILDCARD = '*';

/** Console resources that are about the console as a whole, not one cluster: `clusters` on a rule is ignored for them. */
const CONSOLE_GLOBAL_RESOURCES = new Set(['users', 'roles', 'rolebindings', 'audit']);

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.includes(WILDCARD) || rule.verbs.includes(verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  const groups = rule.apiGroups ?? [];
  if (group === CONSOLE_API_GROUP) return groups.includes(CONSOLE_API_GROUP);
  return groups.includes(WILDCARD) || groups.includes(group);
}

// Kubernetes' resource matching: '*', 'pods', 'pods/log', '*/scale' (any resource's scale),
// 'pods/*' (any subresource of pods).
export function resourcePatternMatches(pattern: string, resource: string, subresource?: string): boolean {
  if (pattern === WILDCARD) return true;
  if (!subresource) return pattern === resource;
  return pattern === `${resource}/${subresource}` || pattern === `*/${subresource}` || pattern === `${resource}/*`;
}

export function resourceMatches(rule: PolicyRule, resource: string, subresource?: string): boolean {
  const included = (rule.resources ?? []).some((p) => resourcePatternMatches(p, resource, subresource));
  if (!included) return false;
  return !(rule.exceptResources ?? []).some((p) => resourcePatternMatches(p, resource, subresource));
}

export function resourceNameMatches(rule: PolicyRule, name: string | undefined): boolean {
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  // A rule limited to names cannot allow a list/create that names nothing.
  return name !== undefined && names.includes(name);
}

/** Namespaced requests match a rule listing that namespace; all-namespace and cluster-scoped ones only '*'. */
export function namespaceMatches(rule: PolicyRule, namespace: string | undefined): boolean {
  if (rule.namespaces === undefined || rule.namespaces.includes(WILDCARD)) return true;
  return namespace !== undefined && namespace !== '' && rule.namespaces.includes(namespace);
}

export function clusterMatches(rule: PolicyRule, clusterId: string): boolean {
  if (rule.clusters === undefined || rule.clusters.includes(WILDCARD)) return true;
  return clusterId !== '' && rule.clusters.includes(clusterId);
}

export function ruleAllowsResource(rule: PolicyRule, attrs: ResourceAttributes): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (!apiGroupMatches(rule, attrs.apiGroup)) return false;
  if (!resourceMatches(rule, attrs.resource, attrs.subresource)) return false;
  if (!resourceNameMatches(rule, attrs.name)) return false;
  if (attrs.apiGroup === CONSOLE_API_GROUP) {
    // Console objects live in no namespace; only `clusters` is scoped by cluster.
    if (CONSOLE_GLOBAL_RESOURCES.has(attrs.resource)) return true;
    return clusterMatches(rule, attrs.clusterId);
  }
  return clusterMatches(rule, attrs.clusterId) && namespaceMatches(rule, attrs.namespace);
}

/** '*', an exact path, or a prefix ending in '*' ('/apis/*'), as in Kubernetes. */
export function nonResourceUrlMatches(pattern: string, path: string): boolean {
  if (pattern === WILDCARD) return true;
  if (pattern.endsWith(WILDCARD)) return path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}

export function ruleAllowsNonResource(rule: PolicyRule, attrs: NonResourceAttributes): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (!clusterMatches(rule, attrs.clusterId)) return false;
  return (rule.nonResourceURLs ?? []).some((p) => nonResourceUrlMatches(p, attrs.path));
}

export function rulesAllowResource(rules: readonly PolicyRule[], attrs: ResourceAttributes): boolean {
  return rules.some((r) => ruleAllowsResource(r, attrs));
}

export function rulesAllowNonResource(rules: readonly PolicyRule[], attrs: NonResourceAttributes): boolean {
  return rules.some((r) => ruleAllowsNonResource(r, attrs));
}

/** Whether a rule is only about console-wide objects (users, roles, bindings, audit), to which `clusters` does not apply. */
function isConsoleGlobalRule(rule: PolicyRule): boolean {
  const groups = rule.apiGroups ?? [];
  const resources = rule.resources ?? [];
  return (
    groups.length > 0 &&
    groups.every((g) => g === CONSOLE_API_GROUP) &&
    resources.length > 0 &&
    resources.every((res) => CONSOLE_GLOBAL_RESOURCES.has(res))
  );
}

/** The rules that can apply in a cluster (console-wide rules included), for GET /me/permissions. */
export function rulesForCluster(rules: readonly PolicyRule[], clusterId: string): PolicyRule[] {
  return rules.filter((r) => isConsoleGlobalRule(r) || clusterMatches(r, clusterId));
}

/**
 * Whether a cluster shows up in the caller's cluster list: a `get` on console `clusters` for it,
 * or any Kubernetes permission in it (a permission in a cluster you cannot see would be no use).
 */
export function canSeeCluster(rules: readonly PolicyRule[], clusterId: string): boolean {
  const getCluster: ResourceAttributes = {
    clusterId,
    verb: 'get',
    apiGroup: CONSOLE_API_GROUP,
    resource: 'clusters',
    name: clusterId,
  };
  if (rulesAllowResource(rules, getCluster)) return true;
  return rules.some((r) => {
    const reachesKube =
      (r.apiGroups ?? []).some((g) => g !== CONSOLE_API_GROUP) || (r.nonResourceURLs ?? []).length > 0;
    return reachesKube && clusterMatches(r, clusterId);
  });
}

/** 'deployments.apps', 'pods', 'pods/log', 'deployments.apps/scale' */
export function describeResource(apiGroup: string, resource: string, subresource?: string): string {
  const qualified = apiGroup === '' || apiGroup === CONSOLE_API_GROUP ? resource : `${resource}.${apiGroup}`;
  return subresource ? `${qualified}/${subresource}` : qualified;
}

/** e.g. `user "bob" cannot delete deployments.apps "web" in namespace "shop" of cluster "demo"` */
export function describeResourceDenial(subject: Pick<Subject, 'username'>, attrs: ResourceAttributes): string {
  const who = `user ${JSON.stringify(subject.username)}`;
  const what = describeResource(attrs.apiGroup, attrs.resource, attrs.subresource);
  const named = attrs.name ? ` ${JSON.stringify(attrs.name)}` : '';
  if (attrs.apiGroup === CONSOLE_API_GROUP) {
    return `${who} cannot ${attrs.verb} ${what}${named} (console administration)`;
  }
  const where = attrs.namespace
    ? ` in namespace ${JSON.stringify(attrs.namespace)}`
    : attrs.verb === 'list' || attrs.verb === 'watch' || attrs.verb === 'deletecollection'
      ? ' in all namespaces or at cluster scope'
      : ' at cluster scope';
  return `${who} cannot ${attrs.verb} ${what}${named}${where} of cluster ${JSON.stringify(attrs.clusterId)}`;
}

export function describeNonResourceDenial(subject: Pick<Subject, 'username'>, attrs: NonResourceAttributes): string {
  return `user ${JSON.stringify(subject.username)} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)} of cluster ${JSON.stringify(attrs.clusterId)}`;
}

/** A rule's shape problem, or null. Schemas check types; this checks what a rule must say to mean anything. */
export function ruleProblem(rule: PolicyRule): { field: string; message: string } | null {
  const hasResources = (rule.resources ?? []).length > 0;
  const hasUrls = (rule.nonResourceURLs ?? []).length > 0;
  if (!hasResources && !hasUrls) {
    return { field: 'resources', message: 'a rule needs resources (with apiGroups) or nonResourceURLs' };
  }
  if (hasResources && hasUrls) {
    return { field: 'nonResourceURLs', message: 'a rule holds either resources or nonResourceURLs, not both' };
  }
  if (hasResources && (rule.apiGroups ?? []).length === 0) {
    return { field: 'apiGroups', message: "a resource rule needs apiGroups ('' is the core group)" };
  }
  if (hasUrls && rule.namespaces && !rule.namespaces.includes(WILDCARD)) {
    return { field: 'namespaces', message: 'nonResourceURLs are not namespaced; leave namespaces out' };
  }
  for (const url of rule.nonResourceURLs ?? []) {
    if (url !== WILDCARD && !url.startsWith('/')) return { field: 'nonResourceURLs', message: `${url} must start with /` };
    if (url.slice(0, -1).includes(WILDCARD)) {
      return { field: 'nonResourceURLs', message: `${url}: '*' is only allowed at the end` };
    }
  }
  return null;
}

function listCovers(holder: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean {
  // Absent clusters/namespaces mean '*'.
  if (holder === undefined || holder.includes(WILDCARD)) return true;
  if (wanted === undefined || wanted.includes(WILDCARD)) return false;
  return wanted.every((w) => holder.includes(w));
}

function splitResource(pattern: string): [string, string | undefined] {
  const i = pattern.indexOf('/');
  return i < 0 ? [pattern, undefined] : [pattern.slice(0, i), pattern.slice(i + 1)];
}

function resourceCovered(held: PolicyRule, wanted: PolicyRule, pattern: string): boolean {
  const hasWildcard = pattern.includes(WILDCARD);
  const [res, sub] = splitResource(pattern);
  const included = (held.resources ?? []).some((h) => h === WILDCARD || h === pattern || (!hasWildcard && resourcePatternMatches(h, res, sub)));
  if (!included) return false;
  // Whatever the held rule carves out must be carved out of the wanted one too.
  return (held.exceptResources ?? []).every(
    (e) => (wanted.exceptResources ?? []).includes(e) || (!hasWildcard && !resourcePatternMatches(e, res, sub)),
  );
}

/**
 * Whether `held` grants everything `wanted` grants. The wanted rule is cut into one slice per API
 * group and resource (or per URL), and each slice must be covered by a single held rule
 * (conservative: a slice only covered by several held rules together counts as not covered).
 * Used to stop privilege escalation: nobody writes a role or binding that gives more than they
 * have, unless allowed to escalate or bind.
 */
export function ruleCoveredBy(wanted: PolicyRule, held: readonly PolicyRule[]): boolean {
  const urls = wanted.nonResourceURLs ?? [];
  if (urls.length > 0) return urls.every((u) => sliceCoveredBy({ ...wanted, nonResourceURLs: [u] }, held));
  return (wanted.apiGroups ?? []).every((g) =>
    (wanted.resources ?? []).every((r) => sliceCoveredBy({ ...wanted, apiGroups: [g], resources: [r] }, held)),
  );
}

function sliceCoveredBy(wanted: PolicyRule, held: readonly PolicyRule[]): boolean {
  return held.some((h) => {
    if (!(h.verbs.includes(WILDCARD) || (!wanted.verbs.includes(WILDCARD) && wanted.verbs.every((v) => h.verbs.includes(v))))) return false;
    if (!listCovers(h.clusters, wanted.clusters)) return false;
    const wantedUrls = wanted.nonResourceURLs ?? [];
    if (wantedUrls.length > 0) {
      return wantedUrls.every((u) =>
        (h.nonResourceURLs ?? []).some((p) => p === WILDCARD || p === u || (p.endsWith(WILDCARD) && u.startsWith(p.slice(0, -1)))),
      );
    }
    if (!listCovers(h.namespaces, wanted.namespaces)) return false;
    const heldNames = h.resourceNames ?? [];
    const wantedNames = wanted.resourceNames ?? [];
    if (heldNames.length > 0 && (wantedNames.length === 0 || !wantedNames.every((n) => heldNames.includes(n)))) return false;
    const groupsOk = (wanted.apiGroups ?? []).every((g) => {
      const held = h.apiGroups ?? [];
      if (g === CONSOLE_API_GROUP) return held.includes(CONSOLE_API_GROUP);
      return held.includes(WILDCARD) || (g !== WILDCARD && held.includes(g));
    });
    return groupsOk && (wanted.resources ?? []).every((r) => resourceCovered(h, wanted, r));
  });
}
