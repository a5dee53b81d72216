// The rule editor edits every list of a rule as a plain array; this turns that into the rule the
// server expects: trimmed, de-duplicated, and optional lists left out when empty ("any").
// The core API group is '' on the wire and "core" in the editor, where an empty tag cannot exist.
import type { PolicyRule } from '@k8s-console/contracts';

/** How the editor shows the core API group (no Kubernetes group is named "core"). */
export const CORE_GROUP_LABEL = 'core';

export interface EditableRule {
  clusters: string[];
  namespaces: string[];
  apiGroups: string[];
  resources: string[];
  exceptResources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
  verbs: string[];
}

const clean = (values: readonly string[] | undefined, keepEmpty = false): string[] => {
  const out: string[] = [];
  for (const raw of values ?? []) {
    const value = raw.trim();
    if ((value || keepEmpty) && !out.includes(value)) out.push(value);
  }
  return out;
};

export function toEditableRule(rule: PolicyRule): EditableRule {
  return {
    clusters: [...(rule.clusters ?? [])],
    namespaces: [...(rule.namespaces ?? [])],
    apiGroups: (rule.apiGroups ?? []).map((g) => (g === '' ? CORE_GROUP_LABEL : g)),
    resources: [...(rule.resources ?? [])],
    exceptResources: [...(rule.exceptResources ?? [])],
    resourceNames: [...(rule.resourceNames ?? [])],
    nonResourceURLs: [...(rule.nonResourceURLs ?? [])],
    verbs: [...rule.verbs],
  };
}

export function emptyRule(): EditableRule {
  return { clusters: [], namespaces: [], apiGroups: [CORE_GROUP_LABEL], resources: [], exceptResources: [], resourceNames: [], nonResourceURLs: [], verbs: [] };
}

export function toPolicyRule(rule: EditableRule): PolicyRule {
  const out: PolicyRule = { verbs: clean(rule.verbs) };
  const apiGroups = clean(rule.apiGroups).map((g) => (g === CORE_GROUP_LABEL ? '' : g));
  if (apiGroups.length) out.apiGroups = apiGroups;
  const lists = ['resources', 'exceptResources', 'resourceNames', 'nonResourceURLs', 'clusters', 'namespaces'] as const;
  for (const key of lists) {
    const values = clean(rule[key]);
    if (values.length) out[key] = values;
  }
  return out;
}

/** What is missing for the server to accept the rule, as a message key, or null. */
export function ruleProblem(rule: EditableRule): 'verbsRequired' | 'resourcesRequired' | null {
  if (clean(rule.verbs).length === 0) return 'verbsRequired';
  if (clean(rule.resources).length === 0 && clean(rule.nonResourceURLs).length === 0) return 'resourcesRequired';
  return null;
}

/**
 * A server refusal about one rule names the field `rules.<i>…` (its shape, or a permission the
 * editor does not hold): the rule's index, and the message without the server's zero-based
 * "rules[i]: " prefix, which the editor's "Rule i+1" cards would contradict.
 */
export function ruleErrorOf(field: string | undefined, message: string): { index: number; message: string } | null {
  const match = /^rules[.[/](\d+)(?:[.\]/]|$)/.exec(field ?? '');
  if (!match) return null;
  return { index: Number(match[1]), message: message.replace(/^rules\[\d+\]:\s*/, '') };
}

/** A one-line reading of a rule for tables: "get, list on pods, pods/log in shop (cluster prod)". */
export function describeRule(rule: PolicyRule): { verbs: string; resources: string; groups: string; scope: string } {
  const groups = (rule.apiGroups ?? []).map((g) => (g === '' ? CORE_GROUP_LABEL : g));
  const scopeParts = [];
  scopeParts.push(rule.clusters?.length ? rule.clusters.join(', ') : '*');
  scopeParts.push(rule.namespaces?.length ? rule.namespaces.join(', ') : '*');
  const resources = rule.nonResourceURLs?.length ? rule.nonResourceURLs.join(', ') : (rule.resources ?? []).join(', ');
  const except = rule.exceptResources?.length ? ` − ${rule.exceptResources.join(', ')}` : '';
  return { verbs: rule.verbs.join(', '), resources: `${resources}${except}`, groups: groups.join(', ') || '—', scope: scopeParts.join(' / ') };
}
