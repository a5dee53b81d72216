// "Deploy an application" against kube-sim through the HTTP API: create (with its namespace),
// list, load, edit (image, replicas, Ingress off), delete; field errors; per-object
// authorization; and a create that fails part-way being rolled back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_NAME_LABEL, CONSOLE_API_GROUP, defaultAppDeploySpec, type AppDeployResult, type AppDeploySpec, type AuditEntry } from '@k8s-console/contracts';
import { startSimCluster, type SimCluster } from '../kube/testing/sim-cluster.js';
import { allowAuthenticated, type Authorizer, type ResourceAttributes } from '../rbac/authorizer.js';

const DEPLOYMENTS = { group: 'apps', resource: 'deployments' };
const HPAS = { group: 'autoscaling', resource: 'horizontalpodautoscalers' };
const INGRESSES = { group: 'networking.k8s.io', resource: 'ingresses' };

function spec(name: string, namespace = 'store'): AppDeploySpec {
  return {
    ...defaultAppDeploySpec(namespace),
    name,
    image: 'nginx:1.27',
    containerPort: 80,
    replicas: 2,
    env: [{ name: 'MODE', source: 'value', value: 'prod' }],
    labels: { team: 'checkout' },
    ingress: { enabled: true, host: `${name}.example.com`, path: '/', pathType: 'Prefix', annotations: {} },
    readinessProbe: { type: 'http', path: '/' },
  };
}

describe('app-deploys', () => {
  let c: SimCluster;
  beforeAll(async () => {
    c = await startSimCluster({ seed: 'demo', podStartDelayMs: 0 });
    c.sim.store.create('namespaces', { metadata: { name: 'store' } });
  });
  afterAll(async () => {
    await c?.close();
  });

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, payload?: unknown) =>
    c.t.app.inject({ method, url: `/api/v1/clusters/${c.clusterId}/app-deploys${path}`, headers: c.t.auth, ...(payload ? { payload: payload as object } : {}) });
  const pods = (namespace: string, name: string) => c.sim.store.list('pods', { namespace, labelSelector: `${APP_NAME_LABEL}=${name}` }).items;

  it('creates the four objects and the namespace, and the Deployment starts its pods', async () => {
    const s = { ...spec('web', 'fresh'), createNamespace: true, autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 4, cpuUtilization: 60 } };
    const res = await call('POST', '', { spec: s });
    expect(res.statusCode, res.body).toBe(201);
    const result = res.json() as AppDeployResult;
    expect(result.ok).toBe(true);
    expect(result.objects.map((o) => `${o.kind}:${o.action}`)).toEqual(['Namespace:created', 'Deployment:created', 'Service:created', 'HorizontalPodAutoscaler:created', 'Ingress:created']);
    expect(c.sim.store.get('namespaces', undefined, 'fresh')).toBeDefined();
    expect(c.sim.store.get('services', 'fresh', 'web')?.spec?.selector).toEqual({ [APP_NAME_LABEL]: 'web' });
    expect(c.sim.store.get(HPAS, 'fresh', 'web')?.spec?.maxReplicas).toBe(4);
    expect(c.sim.store.get(INGRESSES, 'fresh', 'web')?.spec?.rules?.[0]?.host).toBe('web.example.com');
    await expect.poll(() => pods('fresh', 'web').filter((p) => p.status?.phase === 'Running').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
  });

  it('asks the authorizer about each object it creates, and a denial creates nothing', async () => {
    const asked: Omit<ResourceAttributes, 'clusterId'>[] = [];
    c.t.app.authorizer = {
      ...allowAuthenticated,
      async authorizeResource(_s, { clusterId: _c, ...attrs }) {
        asked.push(attrs);
        return attrs.resource === 'ingresses' && attrs.verb === 'create' ? { allowed: false, reason: 'no rule allows it' } : { allowed: true };
      },
    };
    try {
      const res = await call('POST', '', { spec: spec('denied') });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.message).toContain('ingresses');
    } finally {
      c.t.app.authorizer = allowAuthenticated;
    }
    for (const resource of ['deployments', 'services', 'ingresses']) expect(asked).toContainEqual(expect.objectContaining({ verb: 'create', resource, namespace: 'store', name: 'denied' }));
    expect(c.sim.store.get(DEPLOYMENTS, 'store', 'denied')).toBeUndefined();
    expect(c.sim.store.get('services', 'store', 'denied')).toBeUndefined();
  });

  it('refuses invalid input with the message at the field, before calling the cluster', async () => {
    const bad = { ...spec('bad'), containerPort: 0, ingress: { enabled: true, host: 'Not A Host', path: 'x' } };
    const res = await call('POST', '', { spec: bad });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'containerPort' });
    expect(body.errors.map((e: { field: string }) => e.field)).toEqual(['containerPort', 'ingress.host', 'ingress.path']);
    expect(c.sim.store.get(DEPLOYMENTS, 'store', 'bad')).toBeUndefined();

    const preview = await call('POST', '/preview', { spec: bad });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().errors).toHaveLength(3);
  });

  it('previews the generated objects with a server dry run', async () => {
    const res = await call('POST', '/preview', { spec: spec('preview') });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.errors).toEqual([]);
    expect(body.manifests.map((m: { kind: string }) => m.kind)).toEqual(['Deployment', 'Service', 'Ingress']);
    expect(body.objects.map((o: { action: string }) => o.action)).toEqual(['created', 'created', 'created']);
    expect(body.objects[0].diff).toContain('+kind: Deployment');
    expect(c.sim.store.get(DEPLOYMENTS, 'store', 'preview')).toBeUndefined();
  });

  it('creates in an existing namespace, lists and loads the application back', async () => {
    const res = await call('POST', '', { spec: spec('shop-web') });
    expect(res.statusCode, res.body).toBe(201);

    const list = await call('GET', '?namespace=store');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items).toContainEqual(expect.objectContaining({ name: 'shop-web', namespace: 'store', image: 'nginx:1.27', kinds: ['Deployment', 'Service', 'Ingress'] }));

    const got = await call('GET', '/store/shop-web');
    expect(got.statusCode, got.body).toBe(200);
    const loaded = got.json();
    expect(loaded.spec).toMatchObject({ name: 'shop-web', image: 'nginx:1.27', replicas: 2, labels: { team: 'checkout' }, ingress: { enabled: true, host: 'shop-web.example.com' } });
    expect(loaded.objects.map((o: { kind: string }) => o.kind)).toEqual(['Deployment', 'Service', 'Ingress']);
  });

  it('refuses to create over an existing object of the same name', async () => {
    const res = await call('POST', '', { spec: spec('shop-web') });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'ALREADY_EXISTS', field: 'name' });
  });

  it('a Service of that name owned by another field manager: refused before anything is created', async () => {
    c.sim.store.create('services', { metadata: { name: 'taken', namespace: 'store', managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:ports': {} } } }] }, spec: { ports: [{ port: 9000 }] } });
    const res = await call('POST', '', { spec: spec('taken') });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'ALREADY_EXISTS', field: 'name', message: expect.stringContaining('Service "taken"') });
    expect(c.sim.store.get(DEPLOYMENTS, 'store', 'taken')).toBeUndefined();
    expect(c.sim.store.get('services', 'store', 'taken')?.spec?.ports?.[0]?.port).toBe(9000);
  });

  it('edits: new image and replicas, the Ingress turned off is deleted', async () => {
    const s = { ...spec('shop-web'), image: 'nginx:1.28', replicas: 3, ingress: { enabled: false } };
    const res = await call('PUT', '/store/shop-web', { spec: s });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as AppDeployResult).objects.map((o) => `${o.kind}:${o.action}`)).toEqual(['Deployment:configured', 'Service:unchanged', 'Ingress:deleted']);
    const d = c.sim.store.get(DEPLOYMENTS, 'store', 'shop-web');
    expect(d?.spec?.replicas).toBe(3);
    expect(d?.spec?.template?.spec?.containers?.[0]?.image).toBe('nginx:1.28');
    expect(c.sim.store.get(INGRESSES, 'store', 'shop-web')).toBeUndefined();
    await expect.poll(() => pods('store', 'shop-web').filter((p) => p.spec?.containers?.[0]?.image === 'nginx:1.28' && !p.metadata?.deletionTimestamp).length, { timeout: 10_000 }).toBe(3);
  });

  it('edits from the edited YAML of step 2', async () => {
    const preview = (await call('POST', '/preview', { spec: spec('shop-web') })).json();
    const { stringify } = await import('yaml');
    const deployment = preview.manifests[0];
    deployment.spec.template.metadata.annotations = { 'example.com/edited': 'yes' };
    const yaml = preview.manifests.map((m: unknown) => stringify(m)).join('---\n');
    const res = await call('PUT', '/store/shop-web', { spec: spec('shop-web'), yaml });
    expect(res.statusCode, res.body).toBe(200);
    expect(c.sim.store.get(DEPLOYMENTS, 'store', 'shop-web')?.spec?.template?.metadata?.annotations).toEqual({ 'example.com/edited': 'yes' });
    expect(c.sim.store.get(INGRESSES, 'store', 'shop-web')).toBeDefined();

    const wrong = yaml.replace('kind: Service', 'kind: ConfigMap');
    const refused = await call('PUT', '/store/shop-web', { spec: spec('shop-web'), yaml: wrong });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ code: 'INVALID_YAML', field: 'yaml' });
  });

  it('deletes all the objects together', async () => {
    const res = await call('DELETE', '/store/shop-web');
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as AppDeployResult).objects.map((o) => `${o.kind}:${o.action}`)).toEqual(['Ingress:deleted', 'Service:deleted', 'Deployment:deleted']);
    expect(c.sim.store.get(DEPLOYMENTS, 'store', 'shop-web')).toBeUndefined();
    expect(c.sim.store.get('services', 'store', 'shop-web')).toBeUndefined();
    expect((await call('GET', '/store/shop-web')).statusCode).toBe(404);
    expect((await call('DELETE', '/store/shop-web')).statusCode).toBe(404);
  });

  it('a Service made by someone else mid-way: the Deployment is rolled back and the answer says so', async () => {
    // Between the dry run and the Service's turn, another client creates a Service of that name.
    const off = c.sim.store.onChange((e) => {
      if (e.type === 'ADDED' && e.resource.resource === 'deployments' && e.object.metadata?.name === 'racer') {
        c.sim.store.create('services', { metadata: { name: 'racer', namespace: 'store' }, spec: { ports: [{ port: 9000 }] } });
      }
    });
    try {
      const res = await call('POST', '', { spec: spec('racer') });
      expect(res.statusCode, res.body).toBe(409);
      const body = res.json() as { error: { code: string; message: string }; result: AppDeployResult };
      expect(body.error.code).toBe('APPLY_FAILED');
      expect(body.error.message).toContain('Service "racer"');
      expect(body.result.objects.map((o) => `${o.kind}:${o.action}`)).toEqual(['Deployment:rolled-back', 'Service:failed', 'Ingress:skipped']);
      expect(body.result.failure?.remaining).toEqual([]);
    } finally {
      off();
    }
    expect(c.sim.store.get(DEPLOYMENTS, 'store', 'racer')).toBeUndefined();
    // the other client's Service is left alone
    expect(c.sim.store.get('services', 'store', 'racer')?.spec?.ports?.[0]?.port).toBe(9000);
  });

  it('an object the apiserver refuses at the dry run: nothing is created, the namespace it made is removed', async () => {
    const res = await call('POST', '', { spec: { ...spec('conflicted', 'temp'), createNamespace: true }, yaml: refusedYaml('conflicted', 'temp') });
    expect(res.statusCode, res.body).toBe(422);
    const body = res.json() as { error: { code: string }; result: AppDeployResult };
    expect(body.error.code).toBe('DRY_RUN_FAILED');
    expect(body.result.objects.find((o) => o.kind === 'Deployment')?.error?.message).toContain('selector');
    expect(c.sim.store.get('services', 'temp', 'conflicted')).toBeUndefined();
    expect(body.result.objects[0]).toMatchObject({ kind: 'Namespace', action: 'rolled-back' });
    expect(c.sim.store.get(DEPLOYMENTS, 'temp', 'conflicted')).toBeUndefined();
    await expect.poll(() => c.sim.store.get('namespaces', undefined, 'temp')?.status?.phase ?? 'gone').not.toBe('Active');
  });

  it('records one audit entry per change, naming the application', async () => {
    await c.t.app.audit.flush();
    const res = await c.t.app.inject({ method: 'GET', url: '/api/v1/audit?resource=app-deploys', headers: c.t.auth });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as Array<{ verb: string; name: string; namespace: string; outcome: string }>;
    expect(items).toContainEqual(expect.objectContaining({ verb: 'delete', name: 'shop-web', namespace: 'store', outcome: 'success' }));
    expect(items).toContainEqual(expect.objectContaining({ verb: 'create', name: 'racer', outcome: 'failure' }));
    // an edit says it applied the edited YAML, as a create does
    expect(items).toContainEqual(expect.objectContaining({ verb: 'update', name: 'shop-web', detail: 'from edited YAML', outcome: 'success' }));
  });

  /** Runs fn with an authorizer that allows what `allow` says (and the console's own checks), reporting denials as the real one does. */
  async function withAuthorizer<T>(allow: (attrs: Omit<ResourceAttributes, 'clusterId'>) => boolean, fn: () => Promise<T>): Promise<T> {
    const app = c.t.app;
    const stub: Authorizer = {
      ...allowAuthenticated,
      async authorizeResource(subject, attrs) {
        const { clusterId: _c, ...rest } = attrs;
        if (attrs.apiGroup === CONSOLE_API_GROUP || allow(rest)) return { allowed: true };
        app.recordAuthorizerDenial(subject, attrs, 'no rule allows it');
        return { allowed: false, reason: 'no rule allows it' };
      },
    };
    app.authorizer = stub;
    try {
      return await fn();
    } finally {
      app.authorizer = allowAuthenticated;
    }
  }

  it('a user confined to the namespace previews and creates there (the namespace is asked about as the apiserver attributes it)', async () => {
    await withAuthorizer(
      (attrs) => attrs.namespace === 'store',
      async () => {
        const preview = await call('POST', '/preview', { spec: spec('scoped') });
        expect(preview.statusCode, preview.body).toBe(200);
        expect(preview.json().namespaceExists).toBe(true);
        const res = await call('POST', '', { spec: spec('scoped') });
        expect(res.statusCode, res.body).toBe(201);
      },
    );
    expect(c.sim.store.get(DEPLOYMENTS, 'store', 'scoped')).toBeDefined();
  });

  it('a dry run that needs a new namespace is refused when the namespace may not be created, as the real create is', async () => {
    const s = { ...spec('dry', 'not-yet'), createNamespace: true };
    await withAuthorizer(
      (attrs) => attrs.resource !== 'namespaces' || attrs.verb !== 'create',
      async () => {
        const dry = await call('POST', '', { spec: s, dryRun: true });
        expect(dry.statusCode, dry.body).toBe(403);
        expect(dry.json().error.message).toContain('namespaces');
      },
    );
    expect(c.sim.store.get('namespaces', undefined, 'not-yet')).toBeUndefined();
  });

  it('a preview in a namespace still to be made asks the permissions the create will (no dry run can)', async () => {
    await withAuthorizer(
      (attrs) => !(attrs.resource === 'ingresses' && attrs.verb === 'create'),
      async () => {
        const res = await call('POST', '/preview', { spec: { ...spec('later', 'not-yet'), createNamespace: true } });
        expect(res.statusCode, res.body).toBe(403);
        expect(res.json().error.message).toContain('ingresses');
      },
    );
    await withAuthorizer(
      (attrs) => attrs.resource !== 'namespaces' || attrs.verb !== 'create',
      async () => expect((await call('POST', '/preview', { spec: { ...spec('later', 'not-yet'), createNamespace: true } })).statusCode).toBe(403),
    );
    const allowed = await call('POST', '/preview', { spec: { ...spec('later', 'not-yet'), createNamespace: true } });
    expect(allowed.statusCode, allowed.body).toBe(200);
    expect(allowed.json()).toMatchObject({ namespaceExists: false, errors: [] });
  });

  it('an object made by someone else between the last check and the apply is not taken for this request\'s own (nor rolled back)', async () => {
    const kube = c.t.app.kube;
    const json = kube.json.bind(kube);
    const servicePath = '/api/v1/namespaces/store/services/racer2';
    let gets = 0;
    kube.json = (async (clusterId: string, path: string, req?: { method?: string }) => {
      try {
        return await json(clusterId, path, req);
      } finally {
        // GETs of the Service: the existence check, the dry run's, the check just before the apply;
        // right after that one another client creates it.
        if (path === servicePath && (req?.method ?? 'GET') === 'GET' && ++gets === 3) {
          c.sim.store.create('services', { metadata: { name: 'racer2', namespace: 'store' }, spec: { ports: [{ port: 9000 }] } });
        }
      }
    }) as unknown as typeof kube.json;
    try {
      const res = await call('POST', '', { spec: spec('racer2') });
      expect(res.statusCode, res.body).toBe(409);
      const body = res.json() as { error: { code: string }; result: AppDeployResult };
      expect(body.error.code).toBe('APPLY_FAILED');
      expect(body.result.objects.map((o) => `${o.kind}:${o.action}`)).toEqual(['Deployment:rolled-back', 'Service:failed', 'Ingress:skipped']);
    } finally {
      kube.json = json;
    }
    expect(c.sim.store.get(DEPLOYMENTS, 'store', 'racer2')).toBeUndefined();
    expect(c.sim.store.get('services', 'store', 'racer2')).toBeDefined();
  });

  it('an edit that turns the Ingress on does not take over an Ingress of that name that is not the application\'s', async () => {
    const plain = { ...spec('plain'), ingress: { enabled: false } };
    expect((await call('POST', '', { spec: plain })).statusCode).toBe(201);
    c.sim.store.create(INGRESSES, { metadata: { name: 'plain', namespace: 'store' }, spec: { rules: [{ host: 'other.example.com' }] } });
    const res = await call('PUT', '/store/plain', { spec: spec('plain') });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'ALREADY_EXISTS', field: 'name' });
    const ingress = c.sim.store.get(INGRESSES, 'store', 'plain');
    expect(ingress?.spec?.rules?.[0]?.host).toBe('other.example.com');
    expect(ingress?.metadata?.labels?.[APP_NAME_LABEL]).toBeUndefined();
  });

  it('previews an edit as the edit will run: the objects it deletes too; a create preview of a taken name says so', async () => {
    expect((await call('POST', '', { spec: spec('toggle') })).statusCode).toBe(201);
    const res = await call('POST', '/store/toggle/preview', { spec: { ...spec('toggle'), ingress: { enabled: false } } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().errors).toEqual([]);
    expect(res.json().objects.map((o: { kind: string; action: string }) => `${o.kind}:${o.action}`)).toEqual(['Deployment:unchanged', 'Service:unchanged', 'Ingress:deleted']);
    expect(c.sim.store.get(INGRESSES, 'store', 'toggle')).toBeDefined();

    const renamed = await call('POST', '/store/toggle/preview', { spec: { ...spec('toggle'), namespace: 'fresh' } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().errors).toEqual([expect.objectContaining({ field: 'namespace' })]);

    const taken = await call('POST', '/preview', { spec: spec('toggle') });
    expect(taken.statusCode).toBe(200);
    expect(taken.json().errors[0]).toMatchObject({ field: 'name', message: expect.stringContaining('already exists') });
  });

  it('lists the applications for a user who may not list autoscalers or Ingresses, and says which kinds it could not see', async () => {
    await withAuthorizer(
      (attrs) => !(attrs.verb === 'list' && (attrs.resource === HPAS.resource || attrs.resource === INGRESSES.resource)),
      async () => {
        const res = await call('GET', '?namespace=store');
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as { items: { name: string; kinds: string[] }[]; unlistedKinds?: string[] };
        expect(body.items.length).toBeGreaterThan(0);
        expect(body.items.every((a) => a.kinds.includes('Deployment') && !a.kinds.includes('Ingress'))).toBe(true);
        expect(body.unlistedKinds?.sort()).toEqual(['HorizontalPodAutoscaler', 'Ingress']);
      },
    );
    // without Deployments there is no list at all
    await withAuthorizer(
      (attrs) => !(attrs.verb === 'list' && attrs.resource === DEPLOYMENTS.resource),
      async () => expect((await call('GET', '?namespace=store')).statusCode).toBe(403),
    );
    const all = (await call('GET', '?namespace=store')).json() as { unlistedKinds?: string[] };
    expect(all.unlistedKinds).toBeUndefined();
  });

  it('offers the names and keys of ConfigMaps and Secrets for references, never a value', async () => {
    c.sim.store.create('secrets', { metadata: { name: 'db-creds', namespace: 'store' }, type: 'Opaque', data: { password: Buffer.from('hunter2-value').toString('base64'), user: 'YQ==' } });
    c.sim.store.create('configmaps', { metadata: { name: 'app-settings', namespace: 'store' }, data: { MODE: 'prod-mode-value' } });
    const refs = await c.t.app.inject({ method: 'GET', url: `/api/v1/clusters/${c.clusterId}/app-deploy-refs/store`, headers: c.t.auth });
    expect(refs.statusCode, refs.body).toBe(200);
    expect(refs.json().secrets).toContainEqual({ name: 'db-creds', type: 'Opaque', keys: ['password', 'user'] });
    expect(refs.json().configMaps).toContainEqual({ name: 'app-settings', keys: ['MODE'] });
    expect(refs.body).not.toContain(Buffer.from('hunter2-value').toString('base64'));
    expect(refs.body).not.toContain('prod-mode-value');
    // a kind the user may not list is an empty list; the other still answers
    await withAuthorizer(
      (attrs) => attrs.resource !== 'secrets',
      async () => {
        const partial = await c.t.app.inject({ method: 'GET', url: `/api/v1/clusters/${c.clusterId}/app-deploy-refs/store`, headers: c.t.auth });
        expect(partial.statusCode).toBe(200);
        expect(partial.json().secrets).toEqual([]);
        expect(partial.json().configMaps).toContainEqual({ name: 'app-settings', keys: ['MODE'] });
      },
    );
    const bad = await c.t.app.inject({ method: 'GET', url: `/api/v1/clusters/${c.clusterId}/app-deploy-refs/Not_A_Namespace`, headers: c.t.auth });
    expect(bad.statusCode).toBe(400);
  });

  it('refuses a name or namespace in the path that no application can have, at the field', async () => {
    const res = await call('GET', `/store/${encodeURIComponent('web,team')}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'name' });
    const list = await call('GET', '?namespace=Store');
    expect(list.statusCode).toBe(400);
    expect(list.json().error).toMatchObject({ field: 'namespace' });
  });

  it('a preview records its refusals (but not itself)', async () => {
    await withAuthorizer(
      (attrs) => !(attrs.resource === 'services' && attrs.verb === 'patch'),
      async () => {
        const kept = await call('POST', '/preview', { spec: spec('probe-one') });
        expect(kept.statusCode, kept.body).toBe(200);
        expect(kept.json().objects.find((o: { kind: string }) => o.kind === 'Service')).toMatchObject({ action: 'failed' });
      },
    );
    await withAuthorizer(
      (attrs) => attrs.resource !== 'namespaces',
      async () => expect((await call('POST', '/preview', { spec: spec('probe-two') })).statusCode).toBe(403),
    );
    await c.t.app.audit.flush();
    const items = (await c.t.app.inject({ method: 'GET', url: '/api/v1/audit?action=denial', headers: c.t.auth })).json().items as AuditEntry[];
    expect(items).toContainEqual(expect.objectContaining({ resource: 'services', verb: 'patch', name: 'probe-one', outcome: 'denied' }));
    expect(items).toContainEqual(expect.objectContaining({ resource: 'app-deploys', verb: 'preview', name: 'probe-two', status: 403 }));
    const previews = (await c.t.app.inject({ method: 'GET', url: '/api/v1/audit?action=request&resource=app-deploys&verb=preview', headers: c.t.auth })).json().items;
    expect(previews).toEqual([]);
  });
});

/** YAML the console's checks pass but the apiserver refuses (a selector that misses the pod labels). */
function refusedYaml(name: string, namespace: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  replicas: 1
  selector: { matchLabels: { ${APP_NAME_LABEL}: ${name} } }
  template:
    metadata: { labels: { other: ${name} } }
    spec: { containers: [{ name: web, image: nginx, ports: [{ name: http, containerPort: 80 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: { ${APP_NAME_LABEL}: ${name} }
  ports: [{ name: http, port: 80, targetPort: http }]
`;
}
