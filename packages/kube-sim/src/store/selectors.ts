// Label and field selectors with the apiserver's syntax: `a=b,c!=d,e in (x,y),f notin (z),g,!h`
// and `metadata.name=x,status.phase!=Running`.
import { badRequest } from '../errors/status-error.js';
import type { ResourceDef } from '../resources/resource-def.js';
import { selectableField } from './field-selectors.js';
import type { K8sObject } from './k8s-object.js';

export type ObjectMatcher = (obj: K8sObject) => boolean;

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' }
  | { key: string; op: 'gt' | 'lt'; value: number };

const splitTopLevel = (s: string): string[] => {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
};

const labelKey = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

function parseRequirement(term: string): Requirement {
  let m = /^!\s*(\S+)$/.exec(term);
  if (m) return checkKey({ key: m[1] ?? '', op: '!exists' });
  m = /^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (m) {
    const values = (m[3] ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');
    return checkKey({ key: m[1] ?? '', op: m[2] as 'in' | 'notin', values });
  }
  m = /^([^=!<>\s]+)\s*(>|<)\s*(\S*)$/.exec(term);
  if (m) {
    // the apiserver's integer comparisons: `replicas>2`, `tier<3`
    if (!/^-?\d+$/.test(m[3] ?? '')) throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
    return checkKey({ key: m[1] ?? '', op: m[2] === '>' ? 'gt' : 'lt', value: Number(m[3]) });
  }
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (m) return checkKey({ key: m[1] ?? '', op: m[2] === '!=' ? 'notin' : 'in', values: [m[3] ?? ''] });
  if (/^\S+$/.test(term)) return checkKey({ key: term, op: 'exists' });
  throw badRequest(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
}

function checkKey(r: Requirement): Requirement {
  if (!labelKey.test(r.key)) throw badRequest(`unable to parse requirement: invalid label key "${r.key}"`);
  return r;
}

function matchLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  for (const r of reqs) {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const value = has ? labels?.[r.key] : undefined;
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(value ?? '')) return false;
        break;
      case 'notin':
        if (has && r.values.includes(value ?? '')) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(value ?? '')) return false;
        const n = Number(value);
        if (r.op === 'gt' ? !(n > r.value) : !(n < r.value)) return false;
        break;
      }
    }
  }
  return true;
}

export function parseLabelSelector(selector: string | undefined): ObjectMatcher | undefined {
  if (!selector || selector.trim() === '') return undefined;
  const reqs = splitTopLevel(selector).map(parseRequirement);
  return (obj) => matchLabels(reqs, obj.metadata?.labels);
}

/** A structured metav1.LabelSelector (matchLabels + matchExpressions), as in deployments' spec.selector. */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function labelSelectorMatcher(spec: LabelSelectorSpec | undefined): (labels: Record<string, string> | undefined) => boolean {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(spec?.matchLabels ?? {})) reqs.push({ key, op: 'in', values: [value] });
  for (const e of spec?.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === 'in' || op === 'notin') reqs.push({ key: e.key, op, values: e.values ?? [] });
    else if (op === 'exists') reqs.push({ key: e.key, op: 'exists' });
    else if (op === 'doesnotexist') reqs.push({ key: e.key, op: '!exists' });
  }
  return (labels) => matchLabels(reqs, labels);
}

/** The selector string kubectl prints for a LabelSelector (`app=web,tier in (a,b)`). */
export function formatLabelSelector(spec: LabelSelectorSpec | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(spec?.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of spec?.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === 'exists') parts.push(e.key);
    else if (op === 'doesnotexist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${op} (${(e.values ?? []).join(',')})`);
  }
  return parts.join(',');
}

/**
 * A field selector (`metadata.name=x,status.phase!=Running`) over the fields the resource can be
 * selected by: any other field is refused with the apiserver's 400 BadRequest.
 */
export function parseFieldSelector(selector: string | undefined, def: ResourceDef): ObjectMatcher | undefined {
  if (!selector || selector.trim() === '') return undefined;
  const terms = selector.split(',').map((t) => t.trim()).filter((t) => t !== '').map((term) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    return { value: selectableField(def, m[1] ?? ''), negate: m[2] === '!=', expected: m[3] ?? '' };
  });
  return (obj) => terms.every((t) => (t.value(obj) === t.expected) !== t.negate);
}

export function combineMatchers(...matchers: (ObjectMatcher | undefined)[]): ObjectMatcher | undefined {
  const list = matchers.filter((m): m is ObjectMatcher => m !== undefined);
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  return (obj) => list.every((m) => m(obj));
}
