import { describe, expect, it } from 'vitest';
import type { ResourceAttributes } from './authorizer.js';
import { builtInRole } from './built-in-roles.js';
import {
  CONSOLE_API_GROUP,
  canSeeCluster,
  describeResourceDenial,
  nonResourceUrlMatches,
  resourcePatternMatches,
  ruleAllowsResource,
  ruleCoveredBy,
  ruleProblem,
  rulesAllowNonResource,
  rulesAllowResource,
  rulesForCluster,
  type PolicyRule,
} from './rules.js';

const attrs = (a: Partial<ResourceAttributes>): ResourceAttributes => ({
  clusterId: 'demo',
  verb: 'get',
  apiGroup: '',
  resource: 'pods',
  ...a,
});

describe('resource patterns follow Kubernetes', () => {
  it.each([
    ['*', 'pods', undefined, true],
    ['*', 'pods', 'exec', true],
    ['pods', 'pods', undefined, true],
    ['pods', 'pods', 'log', false],
    ['pods/log', 'pods', 'log', true],
    ['pods/log', 'pods', 'exec', false],
    ['pods/*', 'pods', 'exec', true],
    ['pods/*', 'pods', undefined, false],
    ['*/scale', 'deployments', 'scale', true],
    ['*/scale', 'deployments', undefined, false],
    ['*/scale', 'deployments', 'status', false],
  ])('%s vs %s/%s → %s', (pattern, resource, sub, expected) => {
    expect(resourcePatternMatches(pattern, resource, sub)).toBe(expected);
  });

  it('nonResourceURLs match exactly or by a trailing *', () => {
    expect(nonResourceUrlMatches('/version', '/version')).toBe(true);
    expect(nonResourceUrlMatches('/version', '/version/x')).toBe(false);
    expect(nonResourceUrlMatches('/apis/*', '/apis/apps/v1')).toBe(true);
    expect(nonResourceUrlMatches('/apis/*', '/api')).toBe(false);
    expect(nonResourceUrlMatches('*', '/logs')).toBe(true);
  });
});

describe('rule matching', () => {
  const shopDeployer: PolicyRule = {
    verbs: ['get', 'update', 'patch'],
    apiGroups: ['apps'],
    resources: ['deployments', 'deployments/scale'],
    clusters: ['demo'],
    namespaces: ['shop'],
  };

  it('matches verb, group, resource, cluster and namespace together', () => {
    expect(ruleAllowsResource(shopDeployer, attrs({ verb: 'patch', apiGroup: 'apps', resource: 'deployments', namespace: 'shop' }))).toBe(true);
    expect(ruleAllowsResource(shopDeployer, attrs({ verb: 'delete', apiGroup: 'apps', resource: 'deployments', namespace: 'shop' }))).toBe(false);
    expect(ruleAllowsResource(shopDeployer, attrs({ verb: 'get', apiGroup: '', resource: 'deployments', namespace: 'shop' }))).toBe(false);
    expect(ruleAllowsResource(shopDeployer, attrs({ verb: 'get', apiGroup: 'apps', resource: 'deployments', namespace: 'other' }))).toBe(false);
    expect(ruleAllowsResource(shopDeployer, attrs({ clusterId: 'prod', verb: 'get', apiGroup: 'apps', resource: 'deployments', namespace: 'shop' }))).toBe(false);
    expect(ruleAllowsResource(shopDeployer, attrs({ verb: 'update', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'shop' }))).toBe(true);
  });

  it('a namespaced rule never reaches all namespaces or cluster-scoped objects', () => {
    const rule: PolicyRule = { verbs: ['list'], apiGroups: [''], resources: ['pods', 'nodes'], namespaces: ['shop'] };
    expect(ruleAllowsResource(rule, attrs({ verb: 'list', namespace: 'shop' }))).toBe(true);
    expect(ruleAllowsResource(rule, attrs({ verb: 'list' }))).toBe(false);
    expect(ruleAllowsResource(rule, attrs({ verb: 'list', resource: 'nodes' }))).toBe(false);
    expect(ruleAllowsResource(rule, attrs({ verb: 'list', namespace: '' }))).toBe(false);
  });

  it('resourceNames restrict to those objects and never allow a list', () => {
    const rule: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['app'] };
    expect(ruleAllowsResource(rule, attrs({ resource: 'configmaps', namespace: 'a', name: 'app' }))).toBe(true);
    expect(ruleAllowsResource(rule, attrs({ resource: 'configmaps', namespace: 'a', name: 'other' }))).toBe(false);
    expect(ruleAllowsResource(rule, attrs({ verb: 'list', resource: 'configmaps', namespace: 'a' }))).toBe(false);
  });

  it("'*' groups never reach the console group; it must be named", () => {
    const everythingKube: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
    const consoleAttrs = attrs({ verb: 'create', apiGroup: CONSOLE_API_GROUP, resource: 'users', clusterId: '' });
    expect(ruleAllowsResource(everythingKube, consoleAttrs)).toBe(false);
    expect(ruleAllowsResource({ ...everythingKube, apiGroups: [CONSOLE_API_GROUP] }, consoleAttrs)).toBe(true);
  });

  it('console clusters are scoped by the rule clusters; users/roles/audit are console-wide', () => {
    const rule: PolicyRule = { verbs: ['*'], apiGroups: [CONSOLE_API_GROUP], resources: ['clusters', 'audit'], clusters: ['demo'] };
    const onCluster = (clusterId: string, verb: string) =>
      attrs({ clusterId, verb, apiGroup: CONSOLE_API_GROUP, resource: 'clusters', name: clusterId || undefined });
    expect(ruleAllowsResource(rule, onCluster('demo', 'update'))).toBe(true);
    expect(ruleAllowsResource(rule, onCluster('prod', 'update'))).toBe(false);
    // creating names no cluster yet: only a rule for every cluster allows it
    expect(ruleAllowsResource(rule, onCluster('', 'create'))).toBe(false);
    expect(ruleAllowsResource(rule, attrs({ clusterId: '', verb: 'list', apiGroup: CONSOLE_API_GROUP, resource: 'audit' }))).toBe(true);
  });

  it('exceptResources carve out of a wildcard', () => {
    const rule: PolicyRule = { verbs: ['get'], apiGroups: ['*'], resources: ['*'], exceptResources: ['secrets', '*/proxy'] };
    expect(ruleAllowsResource(rule, attrs({ resource: 'configmaps', namespace: 'a' }))).toBe(true);
    expect(ruleAllowsResource(rule, attrs({ resource: 'secrets', namespace: 'a' }))).toBe(false);
    expect(ruleAllowsResource(rule, attrs({ resource: 'services', subresource: 'proxy', namespace: 'a' }))).toBe(false);
  });
});

describe('built-in roles', () => {
  const admin = builtInRole('admin').rules;
  const operator = builtInRole('operator').rules;
  const viewer = builtInRole('viewer').rules;
  const ns = 'shop';
  const cases: [string, ResourceAttributes, boolean, boolean, boolean][] = [
    // [what, attributes, admin, operator, viewer]
    ['list pods', attrs({ verb: 'list', namespace: ns }), true, true, true],
    ['watch pods in all namespaces', attrs({ verb: 'watch' }), true, true, true],
    ['read a secret', attrs({ resource: 'secrets', namespace: ns, name: 's' }), true, true, false],
    ['list secrets', attrs({ verb: 'list', resource: 'secrets', namespace: ns }), true, true, false],
    ['read a secret through a subresource', attrs({ resource: 'secrets', subresource: 'status', namespace: ns, name: 's' }), true, true, false],
    ['delete a deployment', attrs({ verb: 'delete', apiGroup: 'apps', resource: 'deployments', namespace: ns, name: 'web' }), true, true, false],
    ['scale', attrs({ verb: 'patch', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', namespace: ns, name: 'web' }), true, true, false],
    ['exec', attrs({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: ns, name: 'p' }), true, true, false],
    ['exec over a GET upgrade', attrs({ verb: 'get', resource: 'pods', subresource: 'exec', namespace: ns, name: 'p' }), true, true, false],
    ['read logs', attrs({ verb: 'get', resource: 'pods', subresource: 'log', namespace: ns, name: 'p' }), true, true, true],
    ['proxy to a service', attrs({ verb: 'get', resource: 'services', subresource: 'proxy', namespace: ns, name: 's' }), true, true, false],
    ['read a CRD object', attrs({ verb: 'get', apiGroup: 'example.com', resource: 'widgets', namespace: ns, name: 'w' }), true, true, true],
    ['change a ClusterRole', attrs({ verb: 'update', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'x' }), true, false, false],
    ['read a RoleBinding', attrs({ verb: 'get', apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: ns, name: 'x' }), true, true, true],
    ['delete a RoleBinding', attrs({ verb: 'delete', apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: ns, name: 'x' }), true, false, false],
    ['impersonate a user', attrs({ verb: 'impersonate', resource: 'users', name: 'x' }), true, false, false],
    ['add a cluster', attrs({ clusterId: '', verb: 'create', apiGroup: CONSOLE_API_GROUP, resource: 'clusters' }), true, false, false],
    ['see a cluster', attrs({ verb: 'get', apiGroup: CONSOLE_API_GROUP, resource: 'clusters', name: 'demo' }), true, true, true],
    ['manage users', attrs({ clusterId: '', verb: 'create', apiGroup: CONSOLE_API_GROUP, resource: 'users' }), true, false, false],
    ['read the audit log', attrs({ clusterId: '', verb: 'list', apiGroup: CONSOLE_API_GROUP, resource: 'audit' }), true, false, false],
  ];
  it.each(cases)('%s: admin %s, operator %s, viewer %s', (_what, a, adminOk, operatorOk, viewerOk) => {
    expect(rulesAllowResource(admin, a)).toBe(adminOk);
    expect(rulesAllowResource(operator, a)).toBe(operatorOk);
    expect(rulesAllowResource(viewer, a)).toBe(viewerOk);
  });

  it('discovery is open to every role, other apiserver paths only to admins', () => {
    for (const rules of [admin, operator, viewer]) {
      expect(rulesAllowNonResource(rules, { clusterId: 'demo', verb: 'get', path: '/apis/apps/v1' })).toBe(true);
      expect(rulesAllowNonResource(rules, { clusterId: 'demo', verb: 'get', path: '/version' })).toBe(true);
    }
    expect(rulesAllowNonResource(admin, { clusterId: 'demo', verb: 'get', path: '/logs/x' })).toBe(true);
    expect(rulesAllowNonResource(viewer, { clusterId: 'demo', verb: 'get', path: '/logs/x' })).toBe(false);
    expect(rulesAllowNonResource(operator, { clusterId: 'demo', verb: 'post', path: '/apis' })).toBe(false);
  });

  it('every built-in rule is well formed', () => {
    for (const rule of [...admin, ...operator, ...viewer]) expect(ruleProblem(rule)).toBeNull();
  });
});

describe('clusters a user sees', () => {
  it('a permission in a cluster makes it visible; none hides it', () => {
    const rules: PolicyRule[] = [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], clusters: ['demo'], namespaces: ['shop'] }];
    expect(canSeeCluster(rules, 'demo')).toBe(true);
    expect(canSeeCluster(rules, 'prod')).toBe(false);
    expect(canSeeCluster(builtInRole('viewer').rules, 'prod')).toBe(true);
    const usersOnly: PolicyRule[] = [{ verbs: ['*'], apiGroups: [CONSOLE_API_GROUP], resources: ['users'] }];
    expect(canSeeCluster(usersOnly, 'demo')).toBe(false);
  });

  it('rulesForCluster keeps rules for that cluster and console-wide ones', () => {
    const rules: PolicyRule[] = [
      { verbs: ['get'], apiGroups: [''], resources: ['pods'], clusters: ['demo'] },
      { verbs: ['get'], apiGroups: [''], resources: ['pods'], clusters: ['prod'] },
      { verbs: ['list'], apiGroups: [CONSOLE_API_GROUP], resources: ['audit'], clusters: ['prod'] },
    ];
    expect(rulesForCluster(rules, 'demo')).toEqual([rules[0], rules[2]]);
  });
});

describe('denial reasons name the missing permission', () => {
  const bob = { username: 'bob' };
  it.each([
    [attrs({ verb: 'delete', apiGroup: 'apps', resource: 'deployments', namespace: 'shop' }), 'user "bob" cannot delete deployments.apps in namespace "shop" of cluster "demo"'],
    [attrs({ verb: 'get', resource: 'pods', subresource: 'log', namespace: 'shop', name: 'web-1' }), 'user "bob" cannot get pods/log "web-1" in namespace "shop" of cluster "demo"'],
    [attrs({ verb: 'list', resource: 'nodes' }), 'user "bob" cannot list nodes in all namespaces or at cluster scope of cluster "demo"'],
    [attrs({ clusterId: '', verb: 'create', apiGroup: CONSOLE_API_GROUP, resource: 'clusters' }), 'user "bob" cannot create clusters (console administration)'],
  ])('%o', (a, expected) => {
    expect(describeResourceDenial(bob, a)).toBe(expected);
  });
});

describe('rule problems', () => {
  it('flags rules that cannot mean anything', () => {
    expect(ruleProblem({ verbs: ['get'] })?.field).toBe('resources');
    expect(ruleProblem({ verbs: ['get'], resources: ['pods'] })?.field).toBe('apiGroups');
    expect(ruleProblem({ verbs: ['get'], resources: ['pods'], apiGroups: [''], nonResourceURLs: ['/x'] })?.field).toBe('nonResourceURLs');
    expect(ruleProblem({ verbs: ['get'], nonResourceURLs: ['/a*/b'] })?.field).toBe('nonResourceURLs');
    expect(ruleProblem({ verbs: ['get'], nonResourceURLs: ['/apis/*'] })).toBeNull();
  });
});

describe('escalation: is a rule covered by what one holds', () => {
  const viewer = builtInRole('viewer').rules;
  const admin = builtInRole('admin').rules;
  it.each([
    [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, true],
    [{ verbs: ['get'], apiGroups: [''], resources: ['pods/log'], namespaces: ['a'] }, true],
    [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }, false],
    [{ verbs: ['get'], apiGroups: ['*'], resources: ['*'] }, false], // would include secrets
    [{ verbs: ['get'], apiGroups: ['*'], resources: ['*'], exceptResources: ['secrets', 'secrets/*', 'pods/exec', 'pods/attach', 'pods/portforward', '*/proxy'] }, true],
    [{ verbs: ['delete'], apiGroups: [''], resources: ['pods'] }, false],
    [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }, false],
    [{ verbs: ['get'], nonResourceURLs: ['/apis/apps/v1'] }, true],
    [{ verbs: ['get'], nonResourceURLs: ['/logs'] }, false],
    [{ verbs: ['list'], apiGroups: [CONSOLE_API_GROUP], resources: ['clusters'] }, true],
    [{ verbs: ['list'], apiGroups: [CONSOLE_API_GROUP], resources: ['users'] }, false],
  ] as [PolicyRule, boolean][])('viewer covers %o → %s', (rule, expected) => {
    expect(ruleCoveredBy(rule, viewer)).toBe(expected);
  });

  it('admin covers everything; a scoped holder only its own scope', () => {
    expect(ruleCoveredBy({ verbs: ['*'], apiGroups: ['*', CONSOLE_API_GROUP], resources: ['*'] }, admin)).toBe(true);
    const scoped: PolicyRule[] = [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'], clusters: ['demo'], namespaces: ['shop'] }];
    expect(ruleCoveredBy({ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'], clusters: ['demo'], namespaces: ['shop'] }, scoped)).toBe(true);
    expect(ruleCoveredBy({ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'], clusters: ['demo'] }, scoped)).toBe(false);
    expect(ruleCoveredBy({ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'], namespaces: ['shop'] }, scoped)).toBe(false);
  });
});
