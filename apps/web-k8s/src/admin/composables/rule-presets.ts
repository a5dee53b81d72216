// What the rule editor offers: the verbs and resources people usually mean, and a few whole-rule
// presets. Free text stays allowed everywhere (CRDs, subresources nobody listed here).
import type { PolicyRule } from '@k8s-console/contracts';
import { CONSOLE_API_GROUP, CONSOLE_RESOURCES } from '@k8s-console/contracts';
import { CORE_GROUP_LABEL } from './rule-form';

export const READ_VERBS = ['get', 'list', 'watch'] as const;
export const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;
/** Verbs that grant power over RBAC itself; offered, but only admins usually hold them. */
export const PRIVILEGED_VERBS = ['bind', 'escalate', 'impersonate'] as const;
export const COMMON_VERBS = ['*', ...READ_VERBS, ...WRITE_VERBS, ...PRIVILEGED_VERBS];

/** API groups (as the editor names them: "core" for '') by the resources they serve, for autocomplete. */
export const COMMON_API_GROUPS: Record<string, readonly string[]> = {
  [CORE_GROUP_LABEL]: ['pods', 'pods/log', 'pods/exec', 'pods/attach', 'pods/portforward', 'pods/eviction', 'services', 'services/proxy', 'endpoints', 'configmaps', 'secrets', 'persistentvolumeclaims', 'persistentvolumes', 'namespaces', 'nodes', 'nodes/proxy', 'events', 'serviceaccounts', 'resourcequotas', 'limitranges'],
  apps: ['deployments', 'deployments/scale', 'statefulsets', 'statefulsets/scale', 'daemonsets', 'replicasets', 'replicasets/scale', 'controllerrevisions'],
  batch: ['jobs', 'cronjobs'],
  autoscaling: ['horizontalpodautoscalers'],
  'networking.k8s.io': ['ingresses', 'ingressclasses', 'networkpolicies'],
  'storage.k8s.io': ['storageclasses', 'volumeattachments', 'csidrivers'],
  'rbac.authorization.k8s.io': ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'],
  'apiextensions.k8s.io': ['customresourcedefinitions'],
  policy: ['poddisruptionbudgets'],
  'events.k8s.io': ['events'],
  [CONSOLE_API_GROUP]: [...CONSOLE_RESOURCES],
};

/** API groups to suggest, '*' first. */
export const API_GROUP_SUGGESTIONS = ['*', ...Object.keys(COMMON_API_GROUPS)];

/** Resources to suggest for the groups a rule names ('*' or none named: every group's). */
export function resourceSuggestions(apiGroups: readonly string[]): string[] {
  const groups = apiGroups.length === 0 || apiGroups.includes('*') ? Object.keys(COMMON_API_GROUPS) : apiGroups;
  const names = new Set<string>(['*', '*/scale', '*/status']);
  for (const group of groups) for (const resource of COMMON_API_GROUPS[group] ?? []) names.add(resource);
  return [...names];
}

export interface RulePreset {
  key: string;
  rule: PolicyRule;
}

/** Whole rules to start from; the editor copies them, so an edit never changes a preset. */
export const RULE_PRESETS: readonly RulePreset[] = [
  { key: 'readAll', rule: { verbs: [...READ_VERBS], apiGroups: ['*'], resources: ['*'], exceptResources: ['secrets', 'secrets/*'] } },
  { key: 'operateWorkloads', rule: { verbs: [...READ_VERBS, 'update', 'patch', 'delete'], apiGroups: ['apps'], resources: ['deployments', 'deployments/scale', 'statefulsets', 'statefulsets/scale', 'daemonsets', 'replicasets'] } },
  { key: 'podsLogsExec', rule: { verbs: ['get', 'list', 'watch', 'delete', 'create'], apiGroups: [''], resources: ['pods', 'pods/log', 'pods/exec'] } },
  { key: 'configMaps', rule: { verbs: [...READ_VERBS, ...WRITE_VERBS], apiGroups: [''], resources: ['configmaps'] } },
  // The resource pages discover API groups through the apiserver's own paths.
  { key: 'discovery', rule: { verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/version'] } },
  { key: 'consoleClusters', rule: { verbs: ['get', 'list'], apiGroups: [CONSOLE_API_GROUP], resources: ['clusters'] } },
  { key: 'consoleAudit', rule: { verbs: ['get', 'list'], apiGroups: [CONSOLE_API_GROUP], resources: ['audit'] } },
];

export function copyRule(rule: PolicyRule): PolicyRule {
  return structuredClone(rule);
}
