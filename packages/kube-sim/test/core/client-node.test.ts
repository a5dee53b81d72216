// @kubernetes/client-node 1.4 against kube-sim: typed calls, paging, every patch type, errors,
// and an informer that survives a 410 Gone by relisting.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../../src/index.js';

const waitUntil = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 800; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('@kubernetes/client-node against kube-sim', () => {
  let sim: KubeSim;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;

  beforeAll(async () => {
    sim = await startKubeSim({ watchWindow: 3 });
    kc = new k8s.KubeConfig();
    kc.loadFromString(sim.kubeconfig('sim'));
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: 'client' } } });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('creates, gets, lists with paging and deletes', async () => {
    for (let i = 0; i < 7; i++) {
      await core.createNamespacedConfigMap({ namespace: 'client', body: { metadata: { name: `item-${i}`, labels: { batch: 'one' } }, data: { i: String(i) } } });
    }
    const got = await core.readNamespacedConfigMap({ namespace: 'client', name: 'item-3' });
    expect(got.data).toEqual({ i: '3' });
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedConfigMap({ namespace: 'client', labelSelector: 'batch=one', limit: 3, _continue: token });
      names.push(...page.items.map((i) => i.metadata!.name!));
      token = page.metadata?._continue;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(names).toEqual(['item-0', 'item-1', 'item-2', 'item-3', 'item-4', 'item-5', 'item-6']);
    await core.deleteNamespacedConfigMap({ namespace: 'client', name: 'item-6' });
    const err = await core.readNamespacedConfigMap({ namespace: 'client', name: 'item-6' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(k8s.ApiException);
    expect((err as k8s.ApiException<string>).code).toBe(404);
    expect(JSON.parse((err as k8s.ApiException<string>).body)).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });

  it('patches with JSON patch, merge patch, strategic merge patch and server-side apply', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'client',
      body: {
        metadata: { name: 'api' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'api' } },
          template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'api:1', env: [{ name: 'A', value: '1' }] }] } },
        },
      },
    });
    await apps.patchNamespacedDeployment({ namespace: 'client', name: 'api', body: [{ op: 'replace', path: '/spec/replicas', value: 2 }] });
    await apps.patchNamespacedDeployment(
      { namespace: 'client', name: 'api', body: { metadata: { annotations: { note: 'merged' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const strategic = await apps.patchNamespacedDeployment(
      { namespace: 'client', name: 'api', body: { spec: { template: { spec: { containers: [{ name: 'api', env: [{ name: 'B', value: '2' }] }] } } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    expect(strategic.spec?.replicas).toBe(2);
    expect(strategic.metadata?.annotations).toMatchObject({ note: 'merged' });
    expect(strategic.spec?.template.spec?.containers[0]?.env?.map((e) => e.name)).toEqual(['A', 'B']);

    const applied = await core.patchNamespacedConfigMap(
      { namespace: 'client', name: 'applied', fieldManager: 'tests', force: true, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data: { via: 'ssa' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
    );
    expect(applied.data).toEqual({ via: 'ssa' });
    expect(applied.metadata?.managedFields?.[0]).toMatchObject({ manager: 'tests', operation: 'Apply' });
  });

  it('keeps an informer current across a dropped watch whose resourceVersion has expired (410 → relist)', async () => {
    const path = '/api/v1/namespaces/client/configmaps';
    let lists = 0;
    const listFn = () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: 'client', labelSelector: 'informed=yes' });
    };
    const informer = k8s.makeInformer(kc, path, listFn, 'informed=yes');
    const added: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (o) => added.push(o.metadata!.name!));
    informer.on('error', (e) => errors.push(e));
    await core.createNamespacedConfigMap({ namespace: 'client', body: { metadata: { name: 'seen-1', labels: { informed: 'yes' } } } });
    await informer.start();
    await waitUntil(() => added.includes('seen-1') && sim.store.watcherCount('configmaps') > 0, 'the informer to list and watch');

    // changes the informer's selector hides still push its resourceVersion out of the 3-event window
    for (let i = 0; i < 10; i++) {
      await core.patchNamespacedConfigMap(
        { namespace: 'client', name: 'item-0', body: { data: { churn: String(i) } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
    }
    sim.faults.dropWatchesNow();
    // created while no watch is open (the informer re-watches asynchronously): a relist finds it
    sim.store.create('configmaps', { metadata: { name: 'seen-2', namespace: 'client', labels: { informed: 'yes' } } });
    await waitUntil(() => added.includes('seen-2'), 'the informer to relist after 410');
    expect(lists).toBeGreaterThanOrEqual(2);

    await core.createNamespacedConfigMap({ namespace: 'client', body: { metadata: { name: 'seen-3', labels: { informed: 'yes' } } } });
    await waitUntil(() => added.includes('seen-3'), 'the informer to watch again');
    expect(errors).toEqual([]);
    expect(informer.list('client').map((o) => o.metadata!.name).sort()).toEqual(['seen-1', 'seen-2', 'seen-3']);
    await informer.stop();
  });
});
