import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '@k8s-console/contracts';
import { describeRule, emptyRule, ruleErrorOf, ruleProblem, toEditableRule, toPolicyRule } from './rule-form';
import { RULE_PRESETS, copyRule, resourceSuggestions } from './rule-presets';

describe('rule form', () => {
  it('round-trips a rule, showing the core group as "core" and sending it as an empty string', () => {
    const rule: PolicyRule = { verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments/scale'], namespaces: ['shop'] };
    const editable = toEditableRule(rule);
    expect(editable.apiGroups).toEqual(['core', 'apps']);
    expect(toPolicyRule(editable)).toEqual(rule);
  });

  it('trims, de-duplicates and leaves empty optional lists out (meaning "any")', () => {
    const editable = { ...emptyRule(), verbs: [' get ', 'get', 'list'], resources: ['pods', ' pods', ''], clusters: [], namespaces: ['  '] };
    expect(toPolicyRule(editable)).toEqual({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] });
  });

  it('keeps exceptResources and non-resource URLs', () => {
    const rule: PolicyRule = { verbs: ['get'], apiGroups: ['*'], resources: ['*'], exceptResources: ['secrets', 'secrets/*'] };
    expect(toPolicyRule(toEditableRule(rule))).toEqual(rule);
    const urls: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/version'] };
    expect(toPolicyRule(toEditableRule(urls))).toEqual(urls);
  });

  it('names what the server would refuse: no verbs, or neither resources nor URLs', () => {
    expect(ruleProblem(emptyRule())).toBe('verbsRequired');
    expect(ruleProblem({ ...emptyRule(), verbs: ['get'] })).toBe('resourcesRequired');
    expect(ruleProblem({ ...emptyRule(), verbs: ['get'], nonResourceURLs: ['/api'] })).toBeNull();
    expect(ruleProblem({ ...emptyRule(), verbs: ['get'], resources: ['pods'] })).toBeNull();
  });

  it('describes a rule in one line per column', () => {
    const text = describeRule({ verbs: ['get'], apiGroups: [''], resources: ['*'], exceptResources: ['secrets'], clusters: ['prod'] });
    expect(text).toEqual({ verbs: 'get', groups: 'core', resources: '* − secrets', scope: 'prod / *' });
  });
});

describe('rule presets', () => {
  it('are valid rules and copies never share arrays with the preset', () => {
    for (const preset of RULE_PRESETS) {
      expect(ruleProblem(toEditableRule(preset.rule))).toBeNull();
      const copy = copyRule(preset.rule);
      copy.verbs.push('escalate');
      expect(preset.rule.verbs).not.toContain('escalate');
    }
  });

  it('suggests the resources of the named groups, subresources included, and all of them for *', () => {
    const core = resourceSuggestions(['core']);
    expect(core).toEqual(expect.arrayContaining(['pods', 'pods/log', 'pods/exec', 'secrets']));
    expect(core).not.toContain('deployments');
    expect(resourceSuggestions(['apps'])).toContain('deployments/scale');
    expect(resourceSuggestions(['*'])).toEqual(expect.arrayContaining(['pods', 'deployments', 'ingresses', 'users']));
  });

  it("reads which rule the server refused, for that rule's card", () => {
    expect(ruleErrorOf('rules.2.apiGroups', "rules[2]: a resource rule needs apiGroups ('' is the core group)")).toEqual({
      index: 2,
      message: "a resource rule needs apiGroups ('' is the core group)",
    });
    expect(ruleErrorOf('rules.0', 'user "ada" cannot grant delete on pods')).toEqual({ index: 0, message: 'user "ada" cannot grant delete on pods' });
    expect(ruleErrorOf('rules.11.verbs.0', 'body/rules/11/verbs/0 must NOT have more than 64 characters')?.index).toBe(11);
    expect(ruleErrorOf('rules', 'body/rules must NOT have more than 256 items')).toBeNull();
    expect(ruleErrorOf('name', 'taken')).toBeNull();
    expect(ruleErrorOf(undefined, 'boom')).toBeNull();
  });
});
