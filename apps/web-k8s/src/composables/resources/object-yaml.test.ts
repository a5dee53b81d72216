import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '#/api/kube';
import { displayObject, editableYaml, MASK, objectYaml } from './object-yaml';
import { relatedLinks, selectorString } from './related-objects';
import { objectSummary } from './object-summary';

const secret: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's', namespace: 'shop', uid: 'u', resourceVersion: '7', managedFields: [{ manager: 'x' }] },
  data: { password: 'cGFzcw==' },
};

describe('object yaml', () => {
  it('masks secret values until revealed and never shows managedFields', () => {
    const masked = parse(objectYaml(secret));
    expect(masked.data).toEqual({ password: MASK });
    expect(masked.metadata.managedFields).toBeUndefined();
    expect(parse(objectYaml(secret, { revealSecrets: true })).data).toEqual({ password: 'cGFzcw==' });
  });

  it("masks the copy of a Secret's data that kubectl apply keeps in an annotation", () => {
    const applied: KubeObject = {
      ...secret,
      metadata: { ...secret.metadata, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"cGFzcw=="}}', team: 'shop' } },
    };
    const shown = displayObject(applied);
    expect(shown.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/last-applied-configuration': MASK, team: 'shop' });
    expect(objectYaml(applied)).not.toContain('cGFzcw==');
    expect(applied.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']).toContain('cGFzcw==');
    expect(displayObject(applied, { revealSecrets: true }).metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']).toContain('cGFzcw==');
  });

  it('edits without status and server-set metadata, with the real secret values', () => {
    const doc = parse(
      editableYaml({
        ...secret,
        status: { phase: 'x' },
        metadata: { ...secret.metadata, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' } },
      }),
    );
    expect(doc).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop', annotations: { keep: 'me' } }, data: { password: 'cGFzcw==' } });
  });
});

describe('related objects', () => {
  it('links a pod to its owner and a deployment to its pods', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'r' }] },
    };
    expect(relatedLinks('c1', pod)).toEqual([
      {
        kind: 'owner',
        label: 'ReplicaSet/web-abc',
        to: { name: 'resource-detail', params: { cluster: 'c1', group: 'apps', version: 'v1', resource: 'replicasets', namespace: 'shop', name: 'web-abc' } },
      },
    ]);
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'web', tier: 'front' } } },
    };
    expect(relatedLinks('c1', deployment)[0]).toMatchObject({ kind: 'pods', to: { query: { namespace: 'shop', labels: 'app=web,tier=front' } } });
    const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' } } };
    expect(relatedLinks('c1', service).map((l) => l.kind)).toEqual(['pods', 'endpoints']);
    expect(selectorString(undefined)).toBe('');
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1beta1', served: true, storage: false }, { name: 'v1', served: true, storage: true }] },
    };
    expect(relatedLinks('c1', crd)).toEqual([
      { kind: 'instances', label: 'Widget', to: { name: 'resource-list', params: { cluster: 'c1', group: 'example.com', version: 'v1', resource: 'widgets' } } },
    ]);
  });
});

describe('object summary', () => {
  it('shows the facts people look for first, per kind', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'nginx:1.27' }, { name: 'side', image: 'envoy' }] },
      status: { phase: 'Running', podIP: '10.0.0.5', containerStatuses: [{ ready: true, restartCount: 2 }, { ready: false, restartCount: 1 }] },
    };
    expect(objectSummary(pod)).toEqual([
      { key: 'phase', value: 'Running' },
      { key: 'ready', value: '1/2' },
      { key: 'restarts', value: '3' },
      { key: 'node', value: 'node-1' },
      { key: 'podIP', value: '10.0.0.5' },
      { key: 'images', value: 'app: nginx:1.27\nside: envoy' },
    ]);
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'NodePort', clusterIP: '10.96.0.9', ports: [{ port: 80, nodePort: 30080, targetPort: 8080 }] } };
    expect(objectSummary(svc)).toContainEqual({ key: 'ports', value: '80:30080→8080/TCP' });
    expect(objectSummary({ apiVersion: 'x/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([]);
  });
});
