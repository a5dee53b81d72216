// What a real v1.28 apiserver refuses (or answers differently), checked on the wire: request
// options, field selectors, cluster-wide paths of namespaced resources, apply bodies, metadata
// validation, expired continue tokens. A sim that accepts these would hide console bugs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type KubeSim } from '../../src/index.js';
import { simRequest, simWatch } from './sim-http.js';

const configMap = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...extra },
  data: { a: '1' },
});

describe('kube-sim refuses what a real apiserver refuses', () => {
  let sim: KubeSim;

  beforeAll(async () => {
    sim = await startApiServer({ watchWindow: 5 });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('refuses a dryRun other than All with 422 instead of writing for real', async () => {
    const created = await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=true', { body: configMap('dry-true') });
    expect(created.status).toBe(422);
    expect(created.json).toMatchObject({
      kind: 'Status', reason: 'Invalid', code: 422,
      message: 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"true"}: supported values: "All"',
      details: { group: 'meta.k8s.io', kind: 'CreateOptions', causes: [{ reason: 'FieldValueNotSupported', field: 'dryRun' }] },
    });
    expect(created.json.details.name).toBeUndefined();
    expect(sim.store.get('configmaps', 'default', 'dry-true')).toBeUndefined();

    sim.store.create('configmaps', configMap('dry-target'));
    const put = await simRequest(sim, 'PUT', '/api/v1/namespaces/default/configmaps/dry-target?dryRun=1', { body: { ...configMap('dry-target'), data: { a: '2' } } });
    expect(put.status).toBe(422);
    expect(put.json.details.kind).toBe('UpdateOptions');
    const patch = await simRequest(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/dry-target?dryRun=yes', {
      body: { data: { a: '3' } }, headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(patch.status).toBe(422);
    expect(patch.json.details.kind).toBe('PatchOptions');
    const del = await simRequest(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/dry-target', { body: { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['true'] } });
    expect(del.status).toBe(422);
    expect(del.json.details.kind).toBe('DeleteOptions');
    expect(sim.store.get('configmaps', 'default', 'dry-target')?.data).toEqual({ a: '1' });

    // All stays a dry run
    expect((await simRequest(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/dry-target?dryRun=All')).status).toBe(200);
    expect(sim.store.get('configmaps', 'default', 'dry-target')).toBeDefined();
    expect((await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Loose', { body: configMap('fv') })).status).toBe(422);
  });

  it('validates patch options: fieldManager required for apply, force only for apply (422 PatchOptions)', async () => {
    sim.store.create('configmaps', configMap('patch-opts'));
    const apply = await simRequest(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/patch-opts', {
      body: configMap('patch-opts'), headers: { 'Content-Type': 'application/apply-patch+yaml' },
    });
    expect(apply.status).toBe(422);
    expect(apply.json.message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    for (const force of ['true', 'false']) {
      const merge = await simRequest(sim, 'PATCH', `/api/v1/namespaces/default/configmaps/patch-opts?force=${force}`, {
        body: { data: { b: '2' } }, headers: { 'Content-Type': 'application/merge-patch+json' },
      });
      expect(merge.status).toBe(422);
      expect(merge.json.message).toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
    }
  });

  it('refuses apply bodies without the right apiVersion or with managedFields (400)', async () => {
    const path = '/api/v1/namespaces/default/configmaps/applied?fieldManager=test';
    const headers = { 'Content-Type': 'application/apply-patch+yaml' };
    const noVersion = await simRequest(sim, 'PATCH', path, { body: { kind: 'ConfigMap', metadata: { name: 'applied' }, data: { a: '1' } }, headers });
    expect(noVersion.status).toBe(400);
    expect(noVersion.json.message).toBe('Incorrect version specified in apply patch. Specified patch version: , expected: v1');
    const managed = await simRequest(sim, 'PATCH', path, {
      body: { ...configMap('applied'), metadata: { name: 'applied', managedFields: [{ manager: 'x', operation: 'Apply' }] } }, headers,
    });
    expect(managed.status).toBe(400);
    expect(managed.json.message).toBe('metadata.managedFields must be nil');
    expect(sim.store.get('configmaps', 'default', 'applied')).toBeUndefined();
    expect((await simRequest(sim, 'PATCH', path, { body: configMap('applied'), headers })).status).toBe(201);
  });

  it('validates delete options as DeleteOptions (422), reading them from the body when there is one', async () => {
    sim.store.create('configmaps', configMap('del-opts'));
    const bad = await simRequest(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/del-opts?propagationPolicy=Sometimes');
    expect(bad.status).toBe(422);
    expect(bad.json.message).toBe('DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sometimes": supported values: "Foreground", "Background", "Orphan", "nil"');
    const both = await simRequest(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/del-opts', {
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Orphan', orphanDependents: true },
    });
    expect(both.status).toBe(422);
    expect(both.json.details.causes[0]).toMatchObject({ field: 'propagationPolicy', reason: 'FieldValueInvalid' });
    const scalar = await simRequest(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/del-opts', { body: { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: 'All' } });
    expect(scalar.status).toBe(400);
    expect(sim.store.get('configmaps', 'default', 'del-opts')).toBeDefined();
    // with a body, the query is not read: dryRun=All in the query does not make this a dry run
    const withBody = await simRequest(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/del-opts?dryRun=All', { body: { kind: 'DeleteOptions', apiVersion: 'v1' } });
    expect(withBody.status).toBe(200);
    expect(sim.store.get('configmaps', 'default', 'del-opts')).toBeUndefined();
  });

  it('refuses field selectors on fields the resource cannot be selected by (400), on lists, watches and deletecollection', async () => {
    sim.store.create('configmaps', configMap('fs-kept'));
    const list = await simRequest(sim, 'GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.containers.image%3Dnginx');
    expect(list.status).toBe(400);
    expect(list.json).toMatchObject({ reason: 'BadRequest', message: 'field label not supported: spec.containers.image' });
    const cm = await simRequest(sim, 'GET', '/api/v1/configmaps?fieldSelector=data.a%3D1');
    expect(cm.status).toBe(400);
    expect(cm.json.message).toBe('"data.a" is not a known field selector: only "metadata.name", "metadata.namespace"');
    const nodeNs = await simRequest(sim, 'GET', '/api/v1/nodes?fieldSelector=metadata.namespace%3Ddefault');
    expect(nodeNs.json.message).toBe('field label not supported: metadata.namespace');
    // a watch refuses before it starts: an HTTP 400, not a 200 stream with an ERROR event
    const watch = await simRequest(sim, 'GET', '/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=data.a%3D1');
    expect(watch.status).toBe(400);
    const labels = await simRequest(sim, 'GET', '/api/v1/namespaces/default/configmaps?watch=1&labelSelector=a%20in');
    expect(labels.status).toBe(400);
    const delCollection = await simRequest(sim, 'DELETE', '/api/v1/namespaces/default/configmaps?fieldSelector=data.a%3D1');
    expect(delCollection.status).toBe(400);
    expect(sim.store.count('configmaps', 'default')).toBeGreaterThan(0);

    // supported fields compare the apiserver's formatted values: unset booleans are "false"
    sim.store.create('nodes', { metadata: { name: 'node-a' } });
    sim.store.create('nodes', { metadata: { name: 'node-b' }, spec: { unschedulable: true } });
    const schedulable = await simRequest(sim, 'GET', '/api/v1/nodes?fieldSelector=spec.unschedulable%3Dfalse');
    expect(schedulable.json.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual(['node-a']);
    sim.store.create('pods', { metadata: { name: 'host-net', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    const pods = await simRequest(sim, 'GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.hostNetwork%3Dfalse,status.phase%3D');
    expect(pods.json.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['host-net']);
    sim.store.create('events', {
      metadata: { name: 'ev', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'host-net' }, reason: 'Started', type: 'Normal', source: { component: 'kubelet' },
    });
    const events = await simRequest(sim, 'GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.kind%3DPod,source%3Dkubelet,type%3DNormal');
    expect(events.json.items).toHaveLength(1);
  });

  it('expires a continue token once its revision is compacted: 410 with a token that continues at the latest revision', async () => {
    sim.store.create('namespaces', { metadata: { name: 'paging' } });
    for (let i = 0; i < 4; i++) sim.store.create('secrets', { metadata: { name: `s-${i}`, namespace: 'paging' } });
    const first = await simRequest(sim, 'GET', '/api/v1/namespaces/paging/secrets?limit=2');
    const token = first.json.metadata.continue as string;
    expect(token).toBeTruthy();
    // more than twice the watch window (5) of writes compacts the secrets' history past the token
    for (let i = 0; i < 12; i++) sim.store.create('secrets', { metadata: { name: `t-${i}`, namespace: 'default' } });
    const expired = await simRequest(sim, 'GET', `/api/v1/namespaces/paging/secrets?limit=2&continue=${token}`);
    expect(expired.status).toBe(410);
    expect(expired.json).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    expect(expired.json.message).toMatch(/^The provided continue parameter is too old/);
    const fresh = expired.json.metadata.continue as string;
    expect(fresh).toBeTruthy();
    const rest = await simRequest(sim, 'GET', `/api/v1/namespaces/paging/secrets?limit=2&continue=${fresh}`);
    expect(rest.status).toBe(200);
    expect(rest.json.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual(['s-2', 's-3']);
  });

  it('validates label and annotation keys and values, and Service names as DNS-1035 labels (422)', async () => {
    const badValue = await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('labels', { labels: { app: 'my app' } }) });
    expect(badValue.status).toBe(422);
    expect(badValue.json.details.causes[0]).toMatchObject({ field: 'metadata.labels', reason: 'FieldValueInvalid' });
    expect(badValue.json.details.causes[0].message).toMatch(/^Invalid value: "my app": a valid label must be an empty string/);
    const badKey = await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('labels', { labels: { 'a/b/c': 'x' } }) });
    expect(badKey.status).toBe(422);
    const longValue = await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('labels', { labels: { app: 'x'.repeat(64) } }) });
    expect(longValue.json.details.causes[0].message).toMatch(/must be no more than 63 characters/);
    const badAnnotation = await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('labels', { annotations: { 'bad key': 'x' } }) });
    expect(badAnnotation.status).toBe(422);
    expect(badAnnotation.json.details.causes[0].field).toBe('metadata.annotations');
    const numeric = await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('labels', { labels: { version: 2 } }) });
    expect(numeric.status).toBe(400);
    sim.store.create('configmaps', configMap('labels', { labels: { 'app.kubernetes.io/name': 'web', empty: '' } }));
    const update = await simRequest(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/labels', {
      body: { metadata: { labels: { tier: '-front' } } }, headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(update.status).toBe(422);

    const service = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }] } });
    const digit = await simRequest(sim, 'POST', '/api/v1/namespaces/default/services', { body: service('1web') });
    expect(digit.status).toBe(422);
    expect(digit.json.details.causes[0].message).toMatch(/a DNS-1035 label must consist of/);
    expect((await simRequest(sim, 'POST', '/api/v1/namespaces/default/services', { body: service('web-1') })).status).toBe(201);
  });

  it('holds an object with finalizers: deletionTimestamp on delete, gone when the last finalizer is removed', async () => {
    sim.store.create('configmaps', configMap('held', { finalizers: ['example.com/cleanup'] }));
    const w = simWatch(sim, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${sim.store.resourceVersion}&fieldSelector=metadata.name%3Dheld`);
    await w.headers;
    const del = await simRequest(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/held');
    expect(del.status).toBe(200);
    expect(del.json.metadata.deletionTimestamp).toBeTruthy();
    expect(del.json.metadata.deletionGracePeriodSeconds).toBe(0);
    const live = sim.store.get('configmaps', 'default', 'held');
    expect(live?.metadata?.deletionTimestamp).toBe(del.json.metadata.deletionTimestamp);
    // a client cannot clear deletionTimestamp, nor add a finalizer while the object is being deleted
    const added = await simRequest(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/held', {
      body: { metadata: { finalizers: ['example.com/cleanup', 'example.com/more'] } }, headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(added.status).toBe(422);
    expect(added.json.details.causes[0]).toMatchObject({ field: 'metadata.finalizers', reason: 'FieldValueForbidden' });
    const relabel = await simRequest(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/held', {
      body: { metadata: { labels: { still: 'here' }, deletionTimestamp: null } }, headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(relabel.status).toBe(200);
    expect(relabel.json.metadata.deletionTimestamp).toBe(del.json.metadata.deletionTimestamp);
    const done = await simRequest(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/held', {
      body: [{ op: 'remove', path: '/metadata/finalizers' }], headers: { 'Content-Type': 'application/json-patch+json' },
    });
    expect(done.status).toBe(200);
    expect(sim.store.get('configmaps', 'default', 'held')).toBeUndefined();
    const events = await w.waitFor(3);
    expect(events.map((e) => e.type)).toEqual(['MODIFIED', 'MODIFIED', 'DELETED']);
    expect(events[2].object.metadata.finalizers).toBeUndefined();
    w.close();

    // a dependent with finalizers of a deleted owner waits too; the namespace going takes it regardless
    sim.store.create('namespaces', { metadata: { name: 'fin' } });
    const owner = sim.store.create('configmaps', { metadata: { name: 'owner', namespace: 'fin' } });
    sim.store.create('secrets', {
      metadata: { name: 'dep', namespace: 'fin', finalizers: ['example.com/x'], ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! }] },
    });
    sim.store.delete('configmaps', 'fin', 'owner');
    expect(sim.store.get('secrets', 'fin', 'dep')?.metadata?.deletionTimestamp).toBeTruthy();
    sim.store.delete('namespaces', undefined, 'fin');
    expect(sim.store.get('secrets', 'fin', 'dep')).toBeUndefined();
  });

  it('lists built-in kinds with items that carry no apiVersion or kind, as the apiserver encodes them', async () => {
    sim.store.create('configmaps', configMap('typed'));
    const list = await simRequest(sim, 'GET', '/api/v1/namespaces/default/configmaps');
    expect(list.json).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1' });
    const item = list.json.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'typed');
    expect(item.kind).toBeUndefined();
    expect(item.apiVersion).toBeUndefined();
    expect(item.data).toEqual({ a: '1' });
    const yaml = await simRequest(sim, 'GET', '/api/v1/namespaces/default/configmaps', { headers: { Accept: 'application/yaml' } });
    expect(yaml.text).toMatch(/^kind: ConfigMapList$/m);
    expect(yaml.text).not.toMatch(/^\s+kind: ConfigMap$/m);
    // a single object, and watch events, keep them
    expect((await simRequest(sim, 'GET', '/api/v1/namespaces/default/configmaps/typed')).json).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
    const w = simWatch(sim, '/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name%3Dtyped');
    const [ev] = await w.waitFor(1);
    expect(ev.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
    w.close();
  });

  it('refuses a client update of immutable fields: workload selectors, immutable ConfigMaps and Secrets, Secret types, StatefulSet and bound claim specs', async () => {
    const merge = (path: string, body: unknown) => simRequest(sim, 'PATCH', path, { body, headers: { 'Content-Type': 'application/merge-patch+json' } });
    const template = { metadata: { labels: { app: 'imm', tier: 'a' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    sim.store.create('deployments.apps', { metadata: { name: 'imm', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'imm' } }, template } });
    const selector = await merge('/apis/apps/v1/namespaces/default/deployments/imm', { spec: { selector: { matchLabels: { tier: 'a' } } } });
    expect(selector.status).toBe(422);
    expect(selector.json.message).toBe('Deployment.apps "imm" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"imm", "tier":"a"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable');
    // the same selector, written with an empty matchExpressions, is no change
    expect((await merge('/apis/apps/v1/namespaces/default/deployments/imm', { spec: { replicas: 3, selector: { matchExpressions: [] } } })).status).toBe(200);

    sim.store.create('configmaps', { metadata: { name: 'frozen', namespace: 'default' }, data: { a: '1' }, immutable: true });
    const data = await merge('/api/v1/namespaces/default/configmaps/frozen', { data: { a: '2' } });
    expect(data.status).toBe(422);
    expect(data.json.details.causes).toEqual([{ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'data' }]);
    expect((await merge('/api/v1/namespaces/default/configmaps/frozen', { immutable: false })).status).toBe(422);
    expect((await merge('/api/v1/namespaces/default/configmaps/frozen', { metadata: { labels: { ok: 'yes' } } })).status).toBe(200);

    sim.store.create('secrets', { metadata: { name: 'typed', namespace: 'default' }, type: 'Opaque', data: { a: 'MQ==' } });
    const type = await merge('/api/v1/namespaces/default/secrets/typed', { type: 'kubernetes.io/tls' });
    expect(type.status).toBe(422);
    expect(type.json.details.causes[0]).toMatchObject({ field: 'type', message: 'Invalid value: "kubernetes.io/tls": field is immutable' });

    sim.store.create('statefulsets.apps', {
      metadata: { name: 'db', namespace: 'default' },
      spec: { serviceName: 'db', selector: { matchLabels: { app: 'imm' } }, template, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } }] },
    });
    const claims = await merge('/apis/apps/v1/namespaces/default/statefulsets/db', { spec: { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '2Gi' } } } }] } });
    expect(claims.status).toBe(422);
    expect(claims.json.details.causes[0].field).toBe('spec');
    expect((await merge('/apis/apps/v1/namespaces/default/statefulsets/db', { spec: { replicas: 2 } })).status).toBe(200);
    expect((await simRequest(sim, 'PATCH', '/apis/apps/v1/namespaces/default/statefulsets/db/scale', { body: { spec: { replicas: 3 } }, headers: { 'Content-Type': 'application/merge-patch+json' } })).status).toBe(200);

    sim.store.create('persistentvolumeclaims', { metadata: { name: 'claim', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    sim.store.updateStatus('persistentvolumeclaims', 'default', 'claim', { phase: 'Bound' });
    expect((await merge('/api/v1/namespaces/default/persistentvolumeclaims/claim', { spec: { accessModes: ['ReadWriteMany'] } })).status).toBe(422);
    expect((await merge('/api/v1/namespaces/default/persistentvolumeclaims/claim', { spec: { resources: { requests: { storage: '2Gi' } } } })).status).toBe(200);
  });

  it('answers bodies and patches with fields of the wrong JSON type with 400 / 422, not 500', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'typed-pod' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const badMeta = await simRequest(sim, 'POST', '/api/v1/namespaces/default/pods', { body: { ...pod, metadata: 'x' } });
    expect(badMeta.status).toBe(400);
    expect(badMeta.json.message).toBe('Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field Pod.metadata of type v1.ObjectMeta');
    const badSpec = await simRequest(sim, 'POST', '/api/v1/namespaces/default/pods', { body: { ...pod, spec: { containers: [{ name: 'c', image: 'nginx', ports: 'x' }] } } });
    expect(badSpec.status).toBe(400);
    expect((await simRequest(sim, 'POST', '/api/v1/namespaces/default/pods', { body: pod })).status).toBe(201);
    const patch = await simRequest(sim, 'PATCH', '/api/v1/namespaces/default/pods/typed-pod', {
      body: { metadata: 'x' }, headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(patch.status).toBe(422);
    expect(patch.json.details.causes[0].field).toBe('patch');
  });

  it('words apply conflicts like the field manager: Update managers with their apiVersion, several grouped by manager', async () => {
    const created = await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps?fieldManager=editor', { body: { ...configMap('owned'), data: { a: '1', b: '2' } } });
    expect(created.status).toBe(201);
    const headers = { 'Content-Type': 'application/apply-patch+yaml' };
    const one = await simRequest(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/owned?fieldManager=ci', { body: { ...configMap('owned'), data: { a: 'x' } }, headers });
    expect(one.status).toBe(409);
    expect(one.json.message).toBe('Apply failed with 1 conflict: conflict with "editor" using v1: .data.a');
    expect(one.json.details.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "editor" using v1', field: '.data.a' }]);
    const two = await simRequest(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/owned?fieldManager=ci', { body: { ...configMap('owned'), data: { a: 'x', b: 'y' } }, headers });
    expect(two.json.message).toBe('Apply failed with 2 conflicts: conflicts with "editor" using v1:\n- .data.a\n- .data.b');
  });

  it('deletes in the foreground like the garbage collector: the owner stays with foregroundDeletion until blocking dependents are gone', async () => {
    sim.store.create('namespaces', { metadata: { name: 'fg' } });
    const owner = sim.store.create('configmaps', { metadata: { name: 'owner', namespace: 'fg' } });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid!, blockOwnerDeletion: true };
    sim.store.create('secrets', { metadata: { name: 'held', namespace: 'fg', finalizers: ['example.com/x'], ownerReferences: [ref] } });
    sim.store.create('secrets', { metadata: { name: 'free', namespace: 'fg', ownerReferences: [ref] } });
    const del = await simRequest(sim, 'DELETE', '/api/v1/namespaces/fg/configmaps/owner', { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' } });
    expect(del.status).toBe(200);
    expect(del.json.metadata).toMatchObject({ finalizers: ['foregroundDeletion'] });
    expect(del.json.metadata.deletionTimestamp).toBeTruthy();
    expect(sim.store.get('secrets', 'fg', 'free')).toBeUndefined();
    expect(sim.store.get('secrets', 'fg', 'held')?.metadata?.deletionTimestamp).toBeTruthy();
    expect(sim.store.get('configmaps', 'fg', 'owner')?.metadata?.finalizers).toEqual(['foregroundDeletion']);
    // the blocking dependent goes: so does the owner
    sim.store.mutate('secrets', 'fg', 'held', (d) => { delete d.metadata!.finalizers; });
    expect(sim.store.get('secrets', 'fg', 'held')).toBeUndefined();
    expect(sim.store.get('configmaps', 'fg', 'owner')).toBeUndefined();
  });

  it('shows a deleted namespace as Terminating, refusing new content while its contents go', async () => {
    sim.store.create('namespaces', { metadata: { name: 'going' } });
    sim.store.create('configmaps', { metadata: { name: 'c', namespace: 'going' } });
    const refused: number[] = [];
    const off = sim.store.onChange((ev) => {
      if (ev.resource.resource === 'configmaps' && ev.type === 'DELETED' && ev.object.metadata?.namespace === 'going') {
        try {
          sim.store.create('configmaps', { metadata: { name: 'late', namespace: 'going' } });
        } catch (err) {
          refused.push((err as { code: number }).code);
        }
      }
    });
    const w = simWatch(sim, `/api/v1/namespaces?watch=1&resourceVersion=${sim.store.resourceVersion}&fieldSelector=metadata.name%3Dgoing`);
    await w.headers;
    const del = await simRequest(sim, 'DELETE', '/api/v1/namespaces/going');
    off();
    expect(del.status).toBe(200);
    expect(del.json.status.phase).toBe('Terminating');
    expect(del.json.metadata.deletionTimestamp).toBeTruthy();
    expect(refused).toEqual([403]);
    const events = await w.waitFor(2);
    expect(events.map((e) => [e.type, e.object.status.phase])).toEqual([['MODIFIED', 'Terminating'], ['DELETED', 'Terminating']]);
    w.close();
  });

  it('selects labels with the apiserver\'s integer comparisons (gt, lt)', async () => {
    sim.store.create('namespaces', { metadata: { name: 'ranked' } });
    for (const [name, rank] of [['r1', '1'], ['r5', '5'], ['rx', 'x']] as const) sim.store.create('configmaps', { metadata: { name, namespace: 'ranked', labels: { rank } } });
    const names = async (selector: string) => (await simRequest(sim, 'GET', `/api/v1/namespaces/ranked/configmaps?labelSelector=${encodeURIComponent(selector)}`)).json.items?.map((i: { metadata: { name: string } }) => i.metadata.name);
    expect(await names('rank>2')).toEqual(['r5']);
    expect(await names('rank<2')).toEqual(['r1']);
    expect((await simRequest(sim, 'GET', `/api/v1/namespaces/ranked/configmaps?labelSelector=${encodeURIComponent('rank>x')}`)).status).toBe(400);
  });

  it('refuses an unknown includeObject for Tables (400)', async () => {
    const accept = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
    const bad = await simRequest(sim, 'GET', '/api/v1/namespaces/default/configmaps?includeObject=Everything', { headers: accept });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toBe('Unable to convert to Table as requested: includeObject: Invalid value: "Everything": must be \'Metadata\', \'Object\', \'None\', or empty');
    expect((await simRequest(sim, 'GET', '/api/v1/namespaces/default/configmaps?includeObject=None', { headers: accept })).status).toBe(200);
    // without a Table there are no TableOptions to validate
    expect((await simRequest(sim, 'GET', '/api/v1/namespaces/default/configmaps?includeObject=Everything')).status).toBe(200);
  });

  it('reports a ReplicationController\'s plain selector map in its Scale', async () => {
    sim.store.create('replicationcontrollers', {
      metadata: { name: 'rc', namespace: 'default' },
      spec: { replicas: 2, selector: { app: 'rc' }, template: { metadata: { labels: { app: 'rc' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const scale = await simRequest(sim, 'GET', '/api/v1/namespaces/default/replicationcontrollers/rc/scale');
    expect(scale.json).toMatchObject({ kind: 'Scale', spec: { replicas: 2 }, status: { selector: 'app=rc' } });
  });

  it('refuses to create an object that names a resourceVersion (500 without a reason, as the storage layer answers)', async () => {
    const exported = { ...configMap('exported'), metadata: { name: 'exported', resourceVersion: '12345' } };
    const created = await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: exported });
    expect(created.status).toBe(500);
    expect(created.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'resourceVersion should not be set on objects to be created', code: 500 });
    const applied = await simRequest(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/exported?fieldManager=test', { body: exported, headers: { 'Content-Type': 'application/apply-patch+yaml' } });
    expect(applied.status).toBe(500);
    expect(sim.store.get('configmaps', 'default', 'exported')).toBeUndefined();
    // a value that is not a positive integer is ignored, as there
    expect((await simRequest(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: { ...exported, metadata: { name: 'exported', resourceVersion: '-1' } } })).status).toBe(201);
  });

  it('refuses a watch from a resourceVersion that is not a number before streaming (422)', async () => {
    const res = await simRequest(sim, 'GET', '/api/v1/namespaces/default/pods?watch=1&resourceVersion=abc');
    expect(res.status).toBe(422);
    expect(res.json.message).toBe('pods "" is invalid: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax');
  });

  it('refuses an unconditional PUT of a custom resource or a CRD (422 resourceVersion must be specified)', async () => {
    sim.store.create('customresourcedefinitions.apiextensions.k8s.io', {
      metadata: { name: 'gadgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'gadgets', kind: 'Gadget' }, versions: [{ name: 'v1', served: true, storage: true }] },
    });
    sim.store.create('example.com/v1/gadgets', { metadata: { name: 'g', namespace: 'default' }, spec: { size: 1 } });
    const body = { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' }, spec: { size: 2 } };
    const put = await simRequest(sim, 'PUT', '/apis/example.com/v1/namespaces/default/gadgets/g', { body });
    expect(put.status).toBe(422);
    expect(put.json.message).toBe('gadgets.example.com "g" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
    const rv = sim.store.get('example.com/v1/gadgets', 'default', 'g')?.metadata?.resourceVersion;
    expect((await simRequest(sim, 'PUT', '/apis/example.com/v1/namespaces/default/gadgets/g', { body: { ...body, metadata: { name: 'g', resourceVersion: rv } } })).status).toBe(200);
    // a built-in kind allows it
    sim.store.create('configmaps', configMap('unconditional'));
    expect((await simRequest(sim, 'PUT', '/api/v1/namespaces/default/configmaps/unconditional', { body: { ...configMap('unconditional'), data: { a: '2' } } })).status).toBe(200);
  });

  it('keeps a valid watch working with supported selectors', async () => {
    const w = simWatch(sim, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${sim.store.resourceVersion}&fieldSelector=metadata.name%3Dwatched`);
    expect((await w.headers).status).toBe(200);
    sim.store.create('configmaps', configMap('watched'));
    const [ev] = await w.waitFor(1);
    expect(ev).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'watched' } } });
    w.close();
  });

  it('serves namespaced resources across namespaces only as list and watch', async () => {
    const before = sim.store.count('configmaps');
    expect(before).toBeGreaterThan(0);
    const wipe = await simRequest(sim, 'DELETE', '/api/v1/configmaps');
    expect(wipe.status).toBe(405);
    expect(wipe.json).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed' });
    expect(sim.store.count('configmaps')).toBe(before);
    expect((await simRequest(sim, 'POST', '/api/v1/configmaps', { body: configMap('nowhere') })).status).toBe(405);
    const apply = await simRequest(sim, 'PATCH', '/api/v1/configmaps/nowhere?fieldManager=test', {
      body: configMap('nowhere'), headers: { 'Content-Type': 'application/apply-patch+yaml' },
    });
    expect(apply.status).toBe(404);
    expect(sim.store.get('configmaps', 'default', 'nowhere')).toBeUndefined();
    expect((await simRequest(sim, 'GET', '/api/v1/configmaps')).status).toBe(200);
  });

  it('validates list and watch options like a v1.28 apiserver without the WatchList gate', async () => {
    const noRv = await simRequest(sim, 'GET', '/api/v1/namespaces/default/configmaps?resourceVersionMatch=NotOlderThan');
    expect(noRv.status).toBe(422);
    expect(noRv.json.message).toBe('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
    const initial = await simRequest(sim, 'GET', '/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true');
    expect(initial.status).toBe(422);
    expect(initial.json.details.causes).toEqual([
      { reason: 'FieldValueForbidden', message: 'Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled', field: 'sendInitialEvents' },
    ]);
    const continueRv = await simRequest(sim, 'GET', `/api/v1/namespaces/default/configmaps?limit=1&continue=x&resourceVersion=${sim.store.resourceVersion}`);
    expect(continueRv.status).toBe(400);
  });

  it('does not page a list at resourceVersion=0 (served from the watch cache)', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) sim.store.create('configmaps', configMap(name));
    const all = sim.store.count('configmaps', 'default');
    expect(all).toBeGreaterThan(2);
    const rv0 = await simRequest(sim, 'GET', '/api/v1/namespaces/default/configmaps?limit=1&resourceVersion=0');
    expect(rv0.json.items).toHaveLength(all);
    expect(rv0.json.metadata.continue).toBeUndefined();
    const paged = await simRequest(sim, 'GET', '/api/v1/namespaces/default/configmaps?limit=1');
    expect(paged.json.items).toHaveLength(1);
    expect(paged.json.metadata.continue).toBeTruthy();
  });
});
