// The object store's Kubernetes semantics, without HTTP: versions, conflicts, cascades, watches.
import { describe, expect, it } from 'vitest';
import { ObjectStore, StatusError, type StoreEvent } from '../../src/index.js';

const fresh = (watchWindow?: number): ObjectStore => {
  const store = new ObjectStore({ watchWindow });
  store.create('namespaces', { metadata: { name: 'default' } });
  return store;
};

const statusOf = (fn: () => unknown): { code: number; reason: string; message: string } => {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return { code: err.code, reason: err.reason, message: err.message };
    throw err;
  }
  throw new Error('expected a StatusError');
};

const deployment = (name: string, replicas = 1) => ({
  metadata: { name, namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
  },
});

describe('object store', () => {
  it('assigns uid, one increasing resourceVersion, creationTimestamp and generation', () => {
    const store = fresh();
    const a = store.create('configmaps', { metadata: { name: 'a' }, data: { k: 'v' } });
    const d = store.create('deployments.apps', deployment('web'));
    expect(a.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(d.metadata?.resourceVersion)).toBeGreaterThan(Number(a.metadata?.resourceVersion));
    expect(store.resourceVersion).toBe(d.metadata?.resourceVersion);
    expect(a.metadata?.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(a.metadata?.generation).toBeUndefined();
    expect(d.metadata?.generation).toBe(1);
    expect(d.apiVersion).toBe('apps/v1');
    expect(d.kind).toBe('Deployment');
  });

  it('bumps generation on spec changes only, and not at all for a no-op update', () => {
    const store = fresh();
    const d = store.create('deployments.apps', deployment('web'));
    const labelled = store.mutate('deployments.apps', 'default', 'web', (o) => {
      o.metadata!.labels = { x: 'y' };
    });
    expect(labelled.metadata?.generation).toBe(1);
    const scaled = store.mutate('deployments.apps', 'default', 'web', (o) => {
      o.spec.replicas = 3;
    });
    expect(scaled.metadata?.generation).toBe(2);
    const same = store.mutate('deployments.apps', 'default', 'web', () => {});
    expect(same.metadata?.resourceVersion).toBe(scaled.metadata?.resourceVersion);
    expect(d.metadata?.uid).toBe(same.metadata?.uid);
  });

  it('refuses a stale resourceVersion with 409 Conflict and a duplicate name with AlreadyExists', () => {
    const store = fresh();
    const a = store.create('configmaps', { metadata: { name: 'a' } });
    store.update('configmaps', { ...a, data: { k: '1' } });
    expect(statusOf(() => store.update('configmaps', { ...a, data: { k: '2' } }))).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(statusOf(() => store.create('configmaps', { metadata: { name: 'a' } }))).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'configmaps "a" already exists',
    });
  });

  it('validates names and required fields with 422 Invalid', () => {
    const store = fresh();
    expect(statusOf(() => store.create('configmaps', { metadata: { name: 'Bad_Name' } }))).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(statusOf(() => store.create('pods', { metadata: { name: 'p' }, spec: {} })).message).toContain('spec.containers: Required value');
    expect(statusOf(() => store.create('configmaps', { metadata: { name: 'x', namespace: 'missing' } }))).toMatchObject({
      code: 404,
      message: 'namespaces "missing" not found',
    });
  });

  it('allocates a ClusterIP once and keeps it when an update omits it', () => {
    const store = fresh();
    const svc = store.create('services', { metadata: { name: 's' }, spec: { ports: [{ port: 80 }], selector: { app: 's' } } });
    expect(svc.spec.clusterIP).toMatch(/^10\.96\./);
    expect(svc.spec.ports[0]).toMatchObject({ port: 80, targetPort: 80, protocol: 'TCP' });
    const replaced = store.update('services', { metadata: { name: 's', namespace: 'default' }, spec: { ports: [{ port: 80 }], selector: { app: 't' } } });
    expect(replaced.spec.clusterIP).toBe(svc.spec.clusterIP);
  });

  it('generates names from generateName', () => {
    const store = fresh();
    const a = store.create('pods', { metadata: { generateName: 'web-' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    expect(a.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
  });

  it('cascades deletes through ownerReferences: background, foreground and orphan', () => {
    const store = fresh();
    const own = (name: string, owner: { metadata?: { name?: string; uid?: string } }) =>
      store.create('configmaps', {
        metadata: { name, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata!.name!, uid: owner.metadata!.uid! }] },
      });
    const root = store.create('configmaps', { metadata: { name: 'root' } });
    const child = own('child', root);
    own('grandchild', child);
    const order: string[] = [];
    store.onChange((e) => {
      if (e.type === 'DELETED') order.push(e.object.metadata!.name!);
    });
    store.delete('configmaps', 'default', 'root');
    expect(order).toEqual(['root', 'child', 'grandchild']);

    const root2 = store.create('configmaps', { metadata: { name: 'root2' } });
    const child2 = own('child2', root2);
    own('grandchild2', child2);
    order.length = 0;
    store.delete('configmaps', 'default', 'root2', { propagationPolicy: 'Foreground' });
    expect(order).toEqual(['grandchild2', 'child2', 'root2']);

    const root3 = store.create('configmaps', { metadata: { name: 'root3' } });
    own('child3', root3);
    store.delete('configmaps', 'default', 'root3', { propagationPolicy: 'Orphan' });
    expect(store.get('configmaps', 'default', 'child3')?.metadata?.ownerReferences).toBeUndefined();
  });

  it('deleting a namespace deletes what is in it', () => {
    const store = fresh();
    store.create('namespaces', { metadata: { name: 'team' } });
    store.create('configmaps', { metadata: { name: 'a', namespace: 'team' } });
    store.delete('namespaces', undefined, 'team');
    expect(store.get('configmaps', 'team', 'a')).toBeUndefined();
  });

  it('lists by namespace, label and field selectors, and pages with continue tokens', () => {
    const store = fresh();
    store.create('namespaces', { metadata: { name: 'other' } });
    for (let i = 0; i < 25; i++) {
      store.create('configmaps', { metadata: { name: `cm-${String(i).padStart(2, '0')}`, labels: { tier: i % 2 ? 'odd' : 'even', i: String(i) } } });
    }
    store.create('configmaps', { metadata: { name: 'elsewhere', namespace: 'other', labels: { tier: 'odd' } } });
    expect(store.list('configmaps').items).toHaveLength(26);
    expect(store.list('configmaps', { namespace: 'default' }).items).toHaveLength(25);
    expect(store.list('configmaps', { labelSelector: 'tier=odd' }).items).toHaveLength(13);
    expect(store.list('configmaps', { labelSelector: 'tier!=odd,i in (0,2,3)' }).items.map((o) => o.metadata?.name)).toEqual(['cm-00', 'cm-02']);
    expect(store.list('configmaps', { labelSelector: 'i notin (0,1),!missing,tier' }).items).toHaveLength(24);
    expect(store.list('configmaps', { fieldSelector: 'metadata.namespace=other' }).items).toHaveLength(1);
    expect(store.list('configmaps', { fieldSelector: 'metadata.name==cm-03' }).items).toHaveLength(1);

    const names: string[] = [];
    let page = store.list('configmaps', { namespace: 'default', limit: 10 });
    expect(page.remainingItemCount).toBe(15);
    names.push(...page.items.map((o) => o.metadata!.name!));
    while (page.continue) {
      page = store.list('configmaps', { namespace: 'default', limit: 10, continue: page.continue });
      names.push(...page.items.map((o) => o.metadata!.name!));
    }
    expect(names).toHaveLength(25);
    expect(new Set(names).size).toBe(25);
    expect(names).toEqual([...names].sort());

    const first = store.list('configmaps', { namespace: 'default', limit: 5 });
    store.create('configmaps', { metadata: { name: 'zz-late' } });
    const second = store.list('configmaps', { namespace: 'default', limit: 5, continue: first.continue });
    expect(second.resourceVersion).toBe(first.resourceVersion);
    expect(Number(store.resourceVersion)).toBeGreaterThan(Number(first.resourceVersion));
  });

  it('watches from a resourceVersion, turns selector transitions into ADDED/DELETED, and answers 410 beyond the window', () => {
    const store = fresh(4);
    const a = store.create('configmaps', { metadata: { name: 'a', labels: { app: 'x' } } });
    const from = a.metadata!.resourceVersion!;
    store.mutate('configmaps', 'default', 'a', (o) => {
      o.metadata!.labels = { app: 'y' };
    });
    const seen: string[] = [];
    const w = store.watch('configmaps', { resourceVersion: from, labelSelector: 'app=x' }, (e: StoreEvent) => seen.push(e.type));
    store.mutate('configmaps', 'default', 'a', (o) => {
      o.metadata!.labels = { app: 'x' };
    });
    expect(seen).toEqual(['DELETED', 'ADDED']);
    w.stop();

    for (let i = 0; i < 20; i++) store.mutate('configmaps', 'default', 'a', (o) => (o.data = { i: String(i) }));
    expect(statusOf(() => store.watch('configmaps', { resourceVersion: from }, () => {}))).toMatchObject({ code: 410, reason: 'Expired' });
    const initial: string[] = [];
    store.watch('configmaps', {}, (e) => initial.push(`${e.type} ${e.object.metadata?.name}`)).stop();
    expect(initial).toEqual(['ADDED a']);
  });

  it('delivers events in commit order even when a listener writes', () => {
    const store = fresh();
    const seenByLater: string[] = [];
    store.onChange((e) => {
      if (e.object.metadata?.name === 'first' && e.type === 'ADDED') store.create('configmaps', { metadata: { name: 'second' } });
    });
    store.onChange((e) => seenByLater.push(e.object.metadata!.name!));
    store.create('configmaps', { metadata: { name: 'first' } });
    expect(seenByLater).toEqual(['first', 'second']);
  });

  it('keeps committing and delivering when a listener throws', () => {
    const store = fresh();
    const seen: string[] = [];
    const quiet = console.error;
    console.error = () => {};
    try {
      store.onChange(() => {
        throw new Error('controller bug');
      });
      store.onChange((e) => seen.push(e.object.metadata!.name!));
      expect(() => store.create('configmaps', { metadata: { name: 'still-created' } })).not.toThrow();
    } finally {
      console.error = quiet;
    }
    expect(seen).toEqual(['still-created']);
    expect(store.get('configmaps', 'default', 'still-created')).toBeDefined();
  });

  it('serves a CustomResourceDefinition generically as soon as it is created', () => {
    const store = fresh();
    store.create('customresourcedefinitions.apiextensions.k8s.io', {
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true }, { name: 'v1beta1', served: true, storage: false }],
      },
    });
    const w = store.create('example.com/v1/widgets', { metadata: { name: 'w' }, spec: { size: 1 } });
    expect(w.kind).toBe('Widget');
    expect(store.registry.lookup('example.com', 'v1beta1', 'widgets')?.versions).toEqual(['v1', 'v1beta1']);
    const crd = store.get('customresourcedefinitions.apiextensions.k8s.io', undefined, 'widgets.example.com');
    expect(crd?.status?.conditions?.map((c: { type: string }) => c.type)).toContain('Established');
    store.delete('customresourcedefinitions.apiextensions.k8s.io', undefined, 'widgets.example.com');
    expect(store.registry.tryResolve('widgets.example.com')).toBeUndefined();
  });

  it('hands out frozen objects, so a caller cannot corrupt the store by accident', () => {
    const store = fresh();
    const a = store.create('configmaps', { metadata: { name: 'a' }, data: { k: 'v' } });
    expect(() => {
      (a.data as Record<string, string>).k = 'changed';
    }).toThrow(TypeError);
  });
});
