// pods/eviction decides like the apiserver's eviction REST: pods that are not running need no
// budget; an unready pod may go while its budget is met (IfHealthyBudget) or always
// (AlwaysAllow); otherwise it needs a disruption like a ready one, which is why a real drain
// stalls on crash-looping pods whose budget is not met.
import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../src/store/object-store.js';
import type { K8sObject } from '../../src/store/k8s-object.js';
import { adaptStore } from '../../src/runtime/store-adapter.js';
import { DisruptionController } from '../../src/runtime/controllers/disruption-controller.js';
import type { ControllerContext } from '../../src/runtime/controllers/controller-context.js';

function setup(pods: { name: string; phase: string; ready: boolean }[], pdbSpec: K8sObject) {
  const store = new ObjectStore();
  store.create('namespaces', { metadata: { name: 'ns' } });
  for (const p of pods) {
    store.create('pods', { metadata: { name: p.name, namespace: 'ns', labels: { app: 'w' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    store.updateStatus('pods', 'ns', p.name, { phase: p.phase, conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False' }] });
  }
  store.create('poddisruptionbudgets.policy', { metadata: { name: 'budget', namespace: 'ns' }, spec: { selector: { matchLabels: { app: 'w' } }, ...pdbSpec } });
  const disruption = new DisruptionController({ store: adaptStore(store) } as unknown as ControllerContext);
  return { store, evict: (name: string) => disruption.evict('ns', name) };
}

describe('eviction against a PodDisruptionBudget', () => {
  it('refuses an unready running pod while the budget is not met (IfHealthyBudget, the default)', () => {
    const { store, evict } = setup([
      { name: 'ok', phase: 'Running', ready: true },
      { name: 'crashing-1', phase: 'Running', ready: false },
      { name: 'crashing-2', phase: 'Running', ready: false },
    ], { minAvailable: 2 });
    expect(() => evict('crashing-1')).toThrow(expect.objectContaining({ code: 429, reason: 'TooManyRequests' }));
    expect(store.get('pods', 'ns', 'crashing-1')).toBeDefined();
  });

  it('lets an unready pod go while the budget is met, or always with AlwaysAllow', () => {
    const met = setup([
      { name: 'a', phase: 'Running', ready: true },
      { name: 'b', phase: 'Running', ready: true },
      { name: 'sick', phase: 'Running', ready: false },
    ], { minAvailable: 2 });
    met.evict('sick');
    expect(met.store.get('pods', 'ns', 'sick')).toBeUndefined();

    const always = setup([
      { name: 'ok', phase: 'Running', ready: true },
      { name: 'sick', phase: 'Running', ready: false },
    ], { minAvailable: 2, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    always.evict('sick');
    expect(always.store.get('pods', 'ns', 'sick')).toBeUndefined();
  });

  it('needs no budget for pending, succeeded or failed pods', () => {
    const { store, evict } = setup([
      { name: 'ok', phase: 'Running', ready: true },
      { name: 'pending', phase: 'Pending', ready: false },
      { name: 'done', phase: 'Succeeded', ready: false },
    ], { minAvailable: 5 });
    evict('pending');
    evict('done');
    expect(store.get('pods', 'ns', 'pending')).toBeUndefined();
    expect(store.get('pods', 'ns', 'done')).toBeUndefined();
    expect(() => evict('ok')).toThrow(expect.objectContaining({ code: 429 }));
  });
});
