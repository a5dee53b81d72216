// Every typed action and apply against kube-sim, through the HTTP API, including the
// authorization attributes each asks for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplyResult, AuditPage, DrainResult } from '@k8s-console/contracts';
import { startSimCluster, type SimCluster } from '../testing/sim-cluster.js';
import { allowAuthenticated, type ResourceAttributes } from '../../rbac/authorizer.js';

describe('actions', () => {
  let c: SimCluster;
  beforeAll(async () => {
    c = await startSimCluster({ seed: 'demo', podStartDelayMs: 0 });
    c.sim.store.create('namespaces', { metadata: { name: 'act' } });
  });
  afterAll(async () => {
    await c?.close();
  });

  const post = (path: string, payload: unknown) =>
    c.t.app.inject({ method: 'POST', url: `/api/v1/clusters/${c.clusterId}${path}`, headers: c.t.auth, payload: payload as object });

  /** Records the attributes the action asked the authorizer about. */
  async function recording<T>(fn: () => Promise<T>): Promise<{ result: T; asked: Omit<ResourceAttributes, 'clusterId'>[] }> {
    const asked: Omit<ResourceAttributes, 'clusterId'>[] = [];
    c.t.app.authorizer = {
      ...allowAuthenticated,
      async authorizeResource(_s, { clusterId: _c, ...attrs }) {
        asked.push(attrs);
        return { allowed: true };
      },
    };
    try {
      return { result: await fn(), asked };
    } finally {
      c.t.app.authorizer = allowAuthenticated;
    }
  }

  const deployment = (name: string, replicas: number) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'act' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  });

  it('scales a deployment through its scale subresource', async () => {
    c.sim.store.create({ group: 'apps', resource: 'deployments' }, deployment('web', 1));
    const { result: res, asked } = await recording(() => post('/actions/scale', { resource: 'deployments', namespace: 'act', name: 'web', replicas: 3 }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, object: { kind: 'Scale', spec: { replicas: 3 } } });
    expect(c.sim.store.get({ group: 'apps', resource: 'deployments' }, 'act', 'web')?.spec?.replicas).toBe(3);
    expect(asked).toEqual([{ verb: 'patch', apiGroup: 'apps', apiVersion: 'v1', resource: 'deployments', subresource: 'scale', namespace: 'act', name: 'web' }]);
  });

  it('rejects a negative replica count before calling the cluster', async () => {
    const res = await post('/actions/scale', { resource: 'deployments', namespace: 'act', name: 'web', replicas: -1 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('replicas');
  });

  it('answers 404 with the apiserver reason for a missing workload', async () => {
    const res = await post('/actions/scale', { resource: 'statefulsets', namespace: 'act', name: 'nope', replicas: 1 });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NotFound');
  });

  it('restarts a rollout with the restartedAt annotation', async () => {
    const { result: res, asked } = await recording(() => post('/actions/restart', { resource: 'deployments', namespace: 'act', name: 'web' }));
    expect(res.statusCode, res.body).toBe(200);
    const annotations = c.sim.store.get({ group: 'apps', resource: 'deployments' }, 'act', 'web')?.spec?.template?.metadata?.annotations;
    expect(annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(asked).toEqual([{ verb: 'patch', apiGroup: 'apps', apiVersion: 'v1', resource: 'deployments', namespace: 'act', name: 'web' }]);
  });

  it('cordons and uncordons a node', async () => {
    c.sim.store.create('nodes', { metadata: { name: 'cordon-me' } });
    const { result: res, asked } = await recording(() => post('/actions/cordon', { node: 'cordon-me' }));
    expect(res.statusCode, res.body).toBe(200);
    expect(c.sim.store.get('nodes', undefined, 'cordon-me')?.spec?.unschedulable).toBe(true);
    expect(asked).toEqual([{ verb: 'patch', apiGroup: '', apiVersion: 'v1', resource: 'nodes', name: 'cordon-me' }]);
    expect((await post('/actions/uncordon', { node: 'cordon-me' })).statusCode).toBe(200);
    expect(c.sim.store.get('nodes', undefined, 'cordon-me')?.spec?.unschedulable).toBeUndefined();
  });

  it('drains a node: evicts what it may, respects a PodDisruptionBudget, skips DaemonSet and emptyDir pods', async () => {
    c.sim.store.create('nodes', { metadata: { name: 'drain-me' } });
    const pod = (name: string, extra: { labels?: Record<string, string>; owner?: boolean; emptyDir?: boolean; bare?: boolean } = {}) => ({
      metadata: {
        name,
        namespace: 'act',
        labels: extra.labels ?? {},
        ownerReferences: extra.bare
          ? undefined
          : extra.owner
            ? [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'ds-uid-1', controller: true }]
            : [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid-1', controller: true }],
      },
      spec: {
        nodeName: 'drain-me',
        containers: [{ name: 'c', image: 'busybox' }],
        ...(extra.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
      },
    });
    c.sim.store.create('pods', pod('free'));
    c.sim.store.create('pods', pod('guarded', { labels: { app: 'guarded' } }));
    c.sim.store.create('pods', pod('agent-x', { owner: true }));
    c.sim.store.create('pods', pod('scratchy', { emptyDir: true }));
    c.sim.store.create('pods', pod('loner', { bare: true }));
    c.sim.store.create({ group: 'policy', resource: 'poddisruptionbudgets' }, {
      metadata: { name: 'guard', namespace: 'act' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } },
    });
    await expect
      .poll(() => (c.sim.store.get('pods', 'act', 'guarded')?.status?.conditions ?? []).some((x: { type: string; status: string }) => x.type === 'Ready' && x.status === 'True'))
      .toBe(true);

    const { result: res, asked } = await recording(() => post('/actions/drain', { node: 'drain-me' }));
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json() as DrainResult;
    expect(result.cordoned).toBe(true);
    expect(result.evicted).toEqual([{ namespace: 'act', name: 'free' }]);
    expect(result.failed).toEqual([{ namespace: 'act', name: 'guarded', code: 429, reason: 'TooManyRequests', message: expect.stringContaining('disruption budget') }]);
    expect(result.skipped.map((s) => s.name)).toEqual(['agent-x', 'loner', 'scratchy']);
    expect(result.skipped.find((s) => s.name === 'loner')?.reason).toContain('no controller');
    expect(c.sim.store.get('pods', 'act', 'loner')).toBeDefined();
    expect(c.sim.store.get('pods', 'act', 'free')).toBeUndefined();
    expect(c.sim.store.get('pods', 'act', 'guarded')).toBeDefined();
    expect(c.sim.store.get('nodes', undefined, 'drain-me')?.spec?.unschedulable).toBe(true);
    expect(asked).toEqual(
      expect.arrayContaining([
        { verb: 'list', apiGroup: '', apiVersion: 'v1', resource: 'pods' },
        { verb: 'patch', apiGroup: '', apiVersion: 'v1', resource: 'nodes', name: 'drain-me' },
        { verb: 'create', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: 'eviction', namespace: 'act' },
      ]),
    );
  });

  it('drain evicts a pod no controller manages only when forced, and stops before any eviction on a DaemonSet pod it may not leave', async () => {
    c.sim.store.create('nodes', { metadata: { name: 'drain-force' } });
    const onNode = (name: string, owner?: string) => ({
      metadata: { name, namespace: 'act', ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner, name: 'o', uid: `${name}-o`, controller: true }] } : {}) },
      spec: { nodeName: 'drain-force', containers: [{ name: 'c', image: 'busybox' }] },
    });
    c.sim.store.create('pods', onNode('bare-1'));
    c.sim.store.create('pods', onNode('managed-1', 'ReplicaSet'));
    c.sim.store.create('pods', onNode('agent-1', 'DaemonSet'));

    const strict = (await post('/actions/drain', { node: 'drain-force', ignoreDaemonSets: false, force: true })).json() as DrainResult;
    expect(strict.failed.map((f) => f.name)).toEqual(['agent-1']);
    expect(strict.evicted).toEqual([]);
    expect(c.sim.store.get('pods', 'act', 'managed-1')).toBeDefined();

    const forced = (await post('/actions/drain', { node: 'drain-force', force: true })).json() as DrainResult;
    expect(forced.evicted.map((e) => e.name)).toEqual(['bare-1', 'managed-1']);
    expect(c.sim.store.get('pods', 'act', 'bare-1')).toBeUndefined();
  });

  it('drain waits for a disruption budget when asked: the eviction goes through once the budget allows it', async () => {
    c.sim.store.create('nodes', { metadata: { name: 'drain-wait' } });
    c.sim.store.create('pods', {
      metadata: { name: 'patient', namespace: 'act', labels: { app: 'patient' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'p', uid: 'p-uid', controller: true }] },
      spec: { nodeName: 'drain-wait', containers: [{ name: 'c', image: 'busybox' }] },
    });
    c.sim.store.create({ group: 'policy', resource: 'poddisruptionbudgets' }, {
      metadata: { name: 'patience', namespace: 'act' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'patient' } } },
    });
    await expect
      .poll(() => (c.sim.store.get('pods', 'act', 'patient')?.status?.conditions ?? []).some((x: { type: string; status: string }) => x.type === 'Ready' && x.status === 'True'))
      .toBe(true);
    const draining = post('/actions/drain', { node: 'drain-wait', waitForBudgetsSeconds: 30 });
    // the first eviction is refused; the budget goes away while the drain waits
    await expect.poll(() => c.sim.store.get('nodes', undefined, 'drain-wait')?.spec?.unschedulable).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(c.sim.store.get('pods', 'act', 'patient')).toBeDefined();
    c.sim.store.delete({ group: 'policy', resource: 'poddisruptionbudgets' }, 'act', 'patience');
    const res = await draining;
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ evicted: [{ namespace: 'act', name: 'patient' }], failed: [] });
    expect(c.sim.store.get('pods', 'act', 'patient')).toBeUndefined();
  });

  it('refuses a drain wait longer than ten minutes, naming the field', async () => {
    const res = await post('/actions/drain', { node: 'drain-wait', waitForBudgetsSeconds: 601 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('waitForBudgetsSeconds');
  });

  it('deletes with a propagation policy', async () => {
    c.sim.store.create({ group: 'apps', resource: 'deployments' }, deployment('orphaned', 1));
    await expect.poll(() => c.sim.store.list({ group: 'apps', resource: 'replicasets' }, { namespace: 'act' }).items.filter((r) => r.metadata?.name?.startsWith('orphaned-')).length).toBe(1);
    const { result: res, asked } = await recording(() =>
      post('/actions/delete', { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'act', name: 'orphaned', propagationPolicy: 'Orphan' }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(c.sim.store.get({ group: 'apps', resource: 'deployments' }, 'act', 'orphaned')).toBeUndefined();
    // Orphan: the ReplicaSet stays
    expect(c.sim.store.list({ group: 'apps', resource: 'replicasets' }, { namespace: 'act' }).items.some((r) => r.metadata?.name?.startsWith('orphaned-'))).toBe(true);
    expect(asked).toEqual([{ verb: 'delete', apiGroup: 'apps', apiVersion: 'v1', resource: 'deployments', namespace: 'act', name: 'orphaned' }]);
  });

  it('refuses a dot segment as a name, which a path would resolve to the namespace itself', async () => {
    const res = await post('/actions/delete', { group: '', version: 'v1', resource: 'configmaps', namespace: 'act', name: '..' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_KUBERNETES_PATH');
    expect(c.sim.store.get('namespaces', undefined, 'act')).toBeDefined();
  });

  it('refuses an action the authorizer denies, naming the missing permission', async () => {
    c.t.app.authorizer = { ...allowAuthenticated, authorizeResource: async () => ({ allowed: false, reason: 'viewer role' }) };
    try {
      const res = await post('/actions/scale', { resource: 'deployments', namespace: 'act', name: 'web', replicas: 0 });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toContain('patch deployments/scale.apps "web" in namespace "act"');
      expect(c.sim.store.get({ group: 'apps', resource: 'deployments' }, 'act', 'web')?.spec?.replicas).toBe(3);
    } finally {
      c.t.app.authorizer = allowAuthenticated;
    }
  });

  describe('apply', () => {
    const yaml = `apiVersion: v1
kind: ConfigMap
metadata:
  name: applied
data:
  color: blue
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: act
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.28
---
apiVersion: v1
kind: Widget
metadata:
  name: nope
---
kind: ConfigMap
metadata: {name: no-version}
---
`;

    it('dry-runs by default: a diff per object, nothing changed, errors per document', async () => {
      const { result: res, asked } = await recording(() => post('/apply', { yaml, namespace: 'act' }));
      expect(res.statusCode, res.body).toBe(200);
      const result = res.json() as ApplyResult;
      expect(result.dryRun).toBe(true);
      expect(result.documents).toHaveLength(4);
      const [cm, deploy, widget, noVersion] = result.documents;
      expect(cm).toMatchObject({ index: 0, kind: 'ConfigMap', name: 'applied', namespace: 'act', action: 'created' });
      expect(cm!.diff).toContain('+  color: blue');
      expect(deploy).toMatchObject({ index: 1, kind: 'Deployment', action: 'configured' });
      expect(deploy!.diff).toMatch(/^-.*image: nginx:1\.27$/m);
      expect(deploy!.diff).toMatch(/^\+.*image: nginx:1\.28$/m);
      expect(widget).toMatchObject({ index: 2, action: 'failed', error: { code: 'UNKNOWN_KIND', field: 'kind' } });
      expect(noVersion).toMatchObject({ index: 3, action: 'failed', error: { code: 'INVALID_DOCUMENT', field: 'apiVersion' } });
      expect(c.sim.store.get('configmaps', 'act', 'applied')).toBeUndefined();
      expect(asked).toEqual(
        expect.arrayContaining([
          { verb: 'patch', apiGroup: '', apiVersion: 'v1', resource: 'configmaps', namespace: 'act', name: 'applied' },
          { verb: 'create', apiGroup: '', apiVersion: 'v1', resource: 'configmaps', namespace: 'act', name: 'applied' },
          { verb: 'patch', apiGroup: 'apps', apiVersion: 'v1', resource: 'deployments', namespace: 'act', name: 'web' },
        ]),
      );
    });

    it("applies what kubectl get -o yaml exported: its managedFields, and a deleted object's resourceVersion and uid, are dropped", async () => {
      const exported = [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: exported',
        '  namespace: act',
        '  resourceVersion: "12345"',
        '  uid: 0f1e2d3c-0000-4000-8000-000000000000',
        '  managedFields:',
        '  - manager: kubectl-create',
        '    operation: Update',
        '    apiVersion: v1',
        'data:',
        '  a: "1"',
      ].join('\n');
      const res = await post('/apply', { yaml: exported, dryRun: false });
      expect(res.statusCode, res.body).toBe(200);
      expect((res.json() as ApplyResult).documents[0]).toMatchObject({ action: 'created' });
      expect(c.sim.store.get('configmaps', 'act', 'exported')?.data).toEqual({ a: '1' });
      // exported again from the live object: a current resourceVersion applies, a stale one is the apiserver's 409
      const live = c.sim.store.get('configmaps', 'act', 'exported')!;
      const again = exported
        .replace('"12345"', `"${live.metadata!.resourceVersion}"`)
        .replace('0f1e2d3c-0000-4000-8000-000000000000', String(live.metadata!.uid))
        .replace('a: "1"', 'a: "2"');
      expect(((await post('/apply', { yaml: again, dryRun: false })).json() as ApplyResult).documents[0]).toMatchObject({ action: 'configured' });
      const stale = ((await post('/apply', { yaml: again.replace('a: "2"', 'a: "3"'), dryRun: false })).json() as ApplyResult).documents[0];
      expect(stale).toMatchObject({ action: 'failed', error: { code: 'Conflict' } });
    });

    it('applies with field manager k8s-console, and a second apply is unchanged', async () => {
      const res = await post('/apply', { yaml, namespace: 'act', dryRun: false });
      expect(res.statusCode, res.body).toBe(200);
      const result = res.json() as ApplyResult;
      expect(result.documents.map((d) => d.action)).toEqual(['created', 'configured', 'failed', 'failed']);
      const cm = c.sim.store.get('configmaps', 'act', 'applied');
      expect(cm?.data).toEqual({ color: 'blue' });
      expect(cm?.metadata?.managedFields?.some((m: { manager: string }) => m.manager === 'k8s-console')).toBe(true);
      const again = (await post('/apply', { yaml, namespace: 'act' })).json() as ApplyResult;
      expect(again.documents[0]).toMatchObject({ action: 'unchanged' });
      expect(again.documents[0]).not.toHaveProperty('diff');

      // the audit record names what the apply did to each object
      await c.t.app.audit.flush();
      const audit = (await c.t.app.inject({ method: 'GET', url: '/api/v1/audit?verb=apply', headers: c.t.auth })).json() as AuditPage;
      expect(audit.items.map((e) => e.detail)).toContain('applied: ConfigMap act/applied created, Deployment act/web configured, Widget nope failed (UNKNOWN_KIND), ConfigMap no-version failed (INVALID_DOCUMENT)');
    });

    it('reports malformed YAML per document', async () => {
      const res = await post('/apply', { yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\nkey: [unclosed\n' });
      const result = res.json() as ApplyResult;
      expect(result.documents[0]!.action).toBe('created');
      expect(result.documents[1]).toMatchObject({ action: 'failed', error: { code: 'INVALID_YAML' } });
    });
  });
});
