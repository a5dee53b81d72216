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

  it('keeps a valid watch working with supported selectors', async () => {
    const w = simWatch(sim, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${sim.store.resourceVersion}&fieldSelector=metadata.name%3Dwatched`);
    expect((await w.headers).status).toBe(200);
    sim.store.create('configmaps', configMap('watched'));
    const [ev] = await w.waitFor(1);
    expect(ev).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'watched' } } });
    w.close();
  });
});
