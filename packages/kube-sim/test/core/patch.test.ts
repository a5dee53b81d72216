// Patch semantics: JSON patch, merge patch, strategic merge patch and server-side apply.
import { describe, expect, it } from 'vitest';
import { ObjectStore, StatusError } from '../../src/index.js';
import { applyStrategicMergePatch } from '../../src/patch/strategic-merge-patch.js';
import { applyJsonPatch } from '../../src/patch/json-patch.js';
import { applyMergePatch } from '../../src/patch/merge-patch.js';

const pod = {
  metadata: { name: 'p', finalizers: ['a'] },
  spec: {
    containers: [
      { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }], volumeMounts: [{ name: 'v', mountPath: '/data' }] },
      { name: 'side', image: 'side:1' },
    ],
    volumes: [{ name: 'v', emptyDir: {} }],
    tolerations: [{ key: 'x' }],
  },
};

describe('strategic merge patch', () => {
  it('merges keyed lists by their merge keys and replaces atomic lists', () => {
    const out = applyStrategicMergePatch(pod, {
      metadata: { finalizers: ['b'] },
      spec: {
        containers: [{ name: 'app', image: 'app:2', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 443 }] }, { name: 'new', image: 'n' }],
        tolerations: [{ key: 'y' }],
      },
    }, 'Pod') as typeof pod;
    expect(out.metadata.finalizers).toEqual(['a', 'b']);
    expect(out.spec.containers.map((c) => c.name)).toEqual(['app', 'side', 'new']);
    const app = out.spec.containers[0]!;
    expect(app.image).toBe('app:2');
    expect(app.env?.map((e) => e.name)).toEqual(['A', 'B']);
    expect(app.ports?.map((p) => p.containerPort)).toEqual([80, 443]);
    expect(out.spec.tolerations).toEqual([{ key: 'y' }]);
  });

  it('honours $patch delete/replace, null deletes, $retainKeys, $setElementOrder and $deleteFromPrimitiveList', () => {
    const out = applyStrategicMergePatch(pod, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
      spec: {
        containers: [{ name: 'side', $patch: 'delete' }, { name: 'app', volumeMounts: null }],
        '$setElementOrder/volumes': [{ name: 'w' }, { name: 'v' }],
        volumes: [{ name: 'w', $retainKeys: ['name', 'configMap'], configMap: { name: 'c' } }],
      },
    }, 'Pod') as typeof pod & { spec: { volumes: { name: string }[] } };
    expect(out.metadata.finalizers).toEqual([]);
    expect(out.spec.containers.map((c) => c.name)).toEqual(['app']);
    expect(out.spec.containers[0]!.volumeMounts).toBeUndefined();
    expect(out.spec.volumes.map((v) => v.name)).toEqual(['w', 'v']);
    const replaced = applyStrategicMergePatch(pod, { spec: { $patch: 'replace', containers: [{ name: 'only', image: 'o' }] } }, 'Pod') as typeof pod;
    expect(Object.keys(replaced.spec)).toEqual(['containers']);
  });

  it('keys Service ports by port', () => {
    const svc = { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    const out = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }] } }, 'Service') as typeof svc;
    expect(out.spec.ports).toEqual([{ port: 80, targetPort: 9090 }, { port: 443 }]);
  });
});

describe('JSON patch and merge patch', () => {
  it('applies RFC 6902 operations, with test failing the whole patch', () => {
    const doc = { a: { b: [1, 2] }, 'x/y': 1 };
    expect(applyJsonPatch(doc, [
      { op: 'add', path: '/a/b/-', value: 3 },
      { op: 'replace', path: '/x~1y', value: 2 },
      { op: 'copy', from: '/a/b', path: '/c' },
      { op: 'move', from: '/c', path: '/d' },
      { op: 'remove', path: '/a/b/0' },
    ])).toEqual({ a: { b: [2, 3] }, 'x/y': 2, d: [1, 2, 3] });
    expect(() => applyJsonPatch(doc, [{ op: 'test', path: '/a/b/0', value: 9 }])).toThrow(StatusError);
    // copying from a path that is not there fails the patch (it used to add nothing and succeed)
    expect(() => applyJsonPatch(doc, [{ op: 'copy', from: '/nope', path: '/c' }])).toThrow(/copy operation does not apply/);
    expect(doc).toEqual({ a: { b: [1, 2] }, 'x/y': 1 });
  });

  it('applies RFC 7386 merge patches', () => {
    expect(applyMergePatch({ a: 1, b: { c: 1, d: 2 }, e: [1] }, { a: null, b: { c: 3 }, e: [2] })).toEqual({ b: { c: 3, d: 2 }, e: [2] });
  });
});

describe('server-side apply', () => {
  const store = new ObjectStore();
  store.create('namespaces', { metadata: { name: 'default' } });
  const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data });

  it('creates, records managedFields, removes fields the manager stopped applying, and is idempotent', () => {
    const created = store.patch('configmaps', 'default', 'cfg', 'apply', cm({ a: '1', b: '2' }), { fieldManager: 'alice' });
    expect(created.metadata?.managedFields?.[0]).toMatchObject({ manager: 'alice', operation: 'Apply', fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } } });
    const again = store.patch('configmaps', 'default', 'cfg', 'apply', cm({ a: '1', b: '2' }), { fieldManager: 'alice' });
    expect(again.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    const shrunk = store.patch('configmaps', 'default', 'cfg', 'apply', cm({ a: '1' }), { fieldManager: 'alice' });
    expect(shrunk.data).toEqual({ a: '1' });
  });

  it('reports a conflict with another manager unless forced, then takes the field over', () => {
    const err = (() => {
      try {
        store.patch('configmaps', 'default', 'cfg', 'apply', cm({ a: 'bob' }), { fieldManager: 'bob' });
      } catch (e) {
        return e as StatusError;
      }
      return undefined;
    })();
    expect(err?.code).toBe(409);
    // an Apply manager is named alone; an Update manager with its apiVersion (the apiserver's printManager)
    expect(err?.message).toBe('Apply failed with 1 conflict: conflict with "alice": .data.a');
    const forced = store.patch('configmaps', 'default', 'cfg', 'apply', cm({ a: 'bob' }), { fieldManager: 'bob', force: true });
    expect(forced.data).toEqual({ a: 'bob' });
    const managers = forced.metadata?.managedFields?.map((m) => m.manager);
    expect(managers).toEqual(['bob']);
  });

  it('requires a field manager', () => {
    expect(() => store.patch('configmaps', 'default', 'cfg', 'apply', cm({ a: '1' }))).toThrow(/fieldManager/);
  });
});

describe('server-side apply on keyed lists', () => {
  it('removes a list item the manager no longer applies and keeps items others own', () => {
    const store = new ObjectStore();
    store.create('namespaces', { metadata: { name: 'default' } });
    const deployment = (containers: string[]) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'd' } },
        template: { metadata: { labels: { app: 'd' } }, spec: { containers: containers.map((name) => ({ name, image: `${name}:1` })) } },
      },
    });
    store.patch('deployments.apps', 'default', 'd', 'apply', deployment(['a', 'b']), { fieldManager: 'ci' });
    store.patch('deployments.apps', 'default', 'd', 'strategic', { spec: { template: { spec: { containers: [{ name: 'injected', image: 'proxy:1' }] } } } }, { fieldManager: 'injector' });
    const after = store.patch('deployments.apps', 'default', 'd', 'apply', deployment(['a']), { fieldManager: 'ci' });
    expect(after.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['a', 'injected']);
    expect(after.spec.replicas).toBe(1);
  });
});
