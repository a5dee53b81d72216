// Real kubectl against kube-sim: discovery, get/describe/create/apply/patch/scale/delete, watches,
// server-side apply and CRDs, as a user would type them.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlPath } from '@k8s-console/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../../src/index.js';

const gate = kubectlPath();

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const manifests = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: blue
`;

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.size, statusReplicasPath: .status.size}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Color, type: string, jsonPath: .spec.color, priority: 1}
`;

describe.runIf(gate.available)('kubectl against kube-sim', () => {
  let sim: KubeSim;
  let dir: string;
  let kubeconfig: string;

  const kubectl = (args: string[], input?: string): Promise<Result> =>
    new Promise((resolve) => {
      const child = execFile(gate.path, ['--cache-dir', join(dir, 'cache'), ...args], { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir }, timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
      if (input !== undefined) child.stdin?.end(input);
    });
  const ok = async (args: string[], input?: string): Promise<string> => {
    const r = await kubectl(args, input);
    expect(r.stderr, `kubectl ${args.join(' ')}`).toBe('');
    expect(r.code).toBe(0);
    return r.stdout;
  };
  const rows = (text: string): string[][] => text.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));

  beforeAll(async () => {
    sim = await startKubeSim({ seed: 'empty' });
    dir = mkdtempSync(join(tmpdir(), 'kube-sim-kubectl-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, sim.kubeconfig('sim'), { mode: 0o600 });
  });
  afterAll(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the API resources from discovery', async () => {
    const out = await ok(['api-resources']);
    for (const line of ['deployments  deploy  apps/v1  true  Deployment', 'horizontalpodautoscalers  hpa  autoscaling/v2  true  HorizontalPodAutoscaler', 'customresourcedefinitions  crd,crds  apiextensions.k8s.io/v1  false  CustomResourceDefinition']) {
      expect(rows(out)).toContainEqual(line.split('  '));
    }
    expect(await ok(['get', 'ns', '-o', 'name'])).toContain('namespace/kube-system');
  });

  it('applies manifests client-side, reports unchanged on a second apply, and configures changes', async () => {
    expect(await ok(['apply', '-f', '-'], manifests)).toBe('deployment.apps/web created\nservice/web created\nconfigmap/settings created\n');
    expect(await ok(['apply', '-f', '-'], manifests)).toBe('deployment.apps/web unchanged\nservice/web unchanged\nconfigmap/settings unchanged\n');
    const changed = manifests.replace('nginx:1.25', 'nginx:1.26').replace('mode: blue', 'mode: green');
    expect(await ok(['apply', '-f', '-'], changed)).toBe('deployment.apps/web configured\nservice/web unchanged\nconfigmap/settings configured\n');
    const dep = JSON.parse(await ok(['get', 'deployment', 'web', '-o', 'json']));
    expect(dep.spec.template.spec.containers[0].image).toBe('nginx:1.26');
    expect(dep.metadata.generation).toBe(2);
    expect(dep.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('nginx:1.26');
  });

  it('removes what a manifest no longer has on the next client-side apply (three-way strategic merge)', async () => {
    const deployment = (containers: string[], labels: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: three-way
  labels: {${labels}}
spec:
  selector: {matchLabels: {app: three-way}}
  template:
    metadata: {labels: {app: three-way}}
    spec:
      containers:
${containers.map((c) => `      - name: ${c}\n        image: ${c}:1\n        env: [{name: A, value: "1"}]`).join('\n')}
`;
    await ok(['apply', '-f', '-'], deployment(['main', 'sidecar', 'logger'], 'app: x, keep: me'));
    expect(await ok(['apply', '-f', '-'], deployment(['main', 'logger'], 'app: x'))).toBe('deployment.apps/three-way configured\n');
    const live = JSON.parse(await ok(['get', 'deployment', 'three-way', '-o', 'json']));
    expect(live.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['main', 'logger']);
    expect(live.metadata.labels).toEqual({ app: 'x' });
    await ok(['delete', 'deployment', 'three-way']);
  });

  it('lets a pod\'s image change but refuses other pod spec changes, as the apiserver does', async () => {
    await ok(['run', 'fixed', '--image=busybox:1']);
    await ok(['set', 'image', 'pod/fixed', 'fixed=busybox:2']);
    expect(await ok(['get', 'pod', 'fixed', '-o', 'jsonpath={.spec.containers[0].image}'])).toBe('busybox:2');
    const refused = await kubectl(['patch', 'pod', 'fixed', '-p', '{"spec":{"containers":[{"name":"extra","image":"x"}]}}']);
    expect(refused.stderr).toContain('pod updates may not change fields other than');
    await ok(['delete', 'pod', 'fixed', '--wait=false']);
  });

  it('prints get -o wide with kubectl\'s columns and describes objects', async () => {
    const svc = rows(await ok(['get', 'svc', 'web', '-o', 'wide']));
    expect(svc[0]).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
    expect(svc[1]?.[1]).toBe('ClusterIP');
    expect(svc[1]?.[2]).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(svc[1]?.slice(3, 5)).toEqual(['<none>', '80/TCP']);
    const deploy = rows(await ok(['get', 'deploy', '-o', 'wide']));
    expect(deploy[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(deploy[1]?.slice(-3)).toEqual(['nginx', 'nginx:1.26', 'app=web']);
    const described = await ok(['describe', 'deployment', 'web']);
    expect(described).toMatch(/Name:\s+web/);
    expect(described).toMatch(/Selector:\s+app=web/);
    expect(described).toMatch(/Image:\s+nginx:1.26/);
    expect(await ok(['describe', 'configmap', 'settings'])).toMatch(/mode:\s*----\s*green/);
  });

  it('creates, labels and selects, pages with --chunk-size, and refuses duplicates and bad names', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) await ok(['create', 'configmap', `paged-${n}`, `--from-literal=k=${n}`]);
    await ok(['label', 'configmap', 'paged-b', 'paged-d', 'pick=yes']);
    expect(await ok(['get', 'cm', '-l', 'pick=yes', '-o', 'name'])).toBe('configmap/paged-b\nconfigmap/paged-d\n');
    expect(await ok(['get', 'cm', '-l', 'pick notin (yes)', '--field-selector', 'metadata.name!=settings', '-o', 'name'])).toContain('configmap/paged-a\n');
    const paged = await kubectl(['get', 'cm', '--chunk-size=2', '-o', 'name', '-v=6']);
    expect(paged.stdout.split('\n').filter((l) => l.startsWith('configmap/paged-'))).toHaveLength(5);
    expect(paged.stderr).toMatch(/continue=/);
    const dup = await kubectl(['create', 'configmap', 'paged-a']);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain('configmaps "paged-a" already exists');
    const bad = await kubectl(['create', 'configmap', 'Bad_Name']);
    expect(bad.stderr).toContain('metadata.name: Invalid value: "Bad_Name"');
    const missing = await kubectl(['get', 'pod', 'nope']);
    expect(missing.stderr).toContain('Error from server (NotFound): pods "nope" not found');
    expect(await ok(['create', 'configmap', 'dry', '--dry-run=server', '-o', 'name'])).toBe('configmap/dry\n');
    expect((await kubectl(['get', 'cm', 'dry'])).code).not.toBe(0);
  });

  it('patches with json, merge and strategic patches', async () => {
    await ok(['patch', 'deployment', 'web', '--type', 'merge', '-p', '{"metadata":{"labels":{"tier":"front"}}}']);
    await ok(['patch', 'deployment', 'web', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/replicas","value":3}]']);
    await ok(['patch', 'deployment', 'web', '--type', 'strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}']);
    let dep = JSON.parse(await ok(['get', 'deployment', 'web', '-o', 'json']));
    expect(dep.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(dep.spec.replicas).toBe(3);
    expect(dep.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['nginx', 'sidecar']);
    await ok(['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}']);
    dep = JSON.parse(await ok(['get', 'deployment', 'web', '-o', 'json']));
    expect(dep.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['nginx']);
  });

  it('scales through the scale subresource', async () => {
    expect(await ok(['scale', 'deployment', 'web', '--replicas=4'])).toBe('deployment.apps/web scaled\n');
    expect(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}'])).toBe('4');
  });

  it('autoscales through autoscaling/v1, stored and served as autoscaling/v2', async () => {
    expect(await ok(['autoscale', 'deployment', 'web', '--max=6', '--cpu-percent=60'])).toBe('horizontalpodautoscaler.autoscaling/web autoscaled\n');
    const v2 = JSON.parse(await ok(['get', 'hpa.v2.autoscaling', 'web', '-o', 'json']));
    expect(v2.spec).toMatchObject({ minReplicas: 1, maxReplicas: 6, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] });
    await ok(['patch', 'hpa.v1.autoscaling', 'web', '--type', 'merge', '-p', '{"spec":{"targetCPUUtilizationPercentage":80}}']);
    const v1 = JSON.parse(await ok(['get', 'hpa.v1.autoscaling', 'web', '-o', 'json']));
    expect(v1).toMatchObject({ apiVersion: 'autoscaling/v1', spec: { maxReplicas: 6, targetCPUUtilizationPercentage: 80 } });
    expect(rows(await ok(['get', 'hpa', 'web']))[1]?.slice(0, 5)).toEqual(['web', 'Deployment/web', 'cpu: <unknown>/80%', '1', '6']);
    await ok(['delete', 'hpa', 'web']);
  });

  it('applies server-side, reports conflicts with other managers, and takes over with --force-conflicts', async () => {
    const conflicted = await kubectl(['apply', '--server-side', '-f', '-'], manifests);
    expect(conflicted.code).not.toBe(0);
    expect(conflicted.stderr).toContain('.spec.replicas');
    await ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], manifests);
    const dep = JSON.parse(await ok(['get', 'deployment', 'web', '-o', 'json', '--show-managed-fields']));
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.template.spec.containers[0].image).toBe('nginx:1.25');
    expect(dep.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`)).toContain('kubectl/Apply');
    const rv = dep.metadata.resourceVersion;
    await ok(['apply', '--server-side', '-f', '-'], manifests);
    expect(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.resourceVersion}'])).toBe(rv);
  });

  it('watches with get -w, printing changes as they happen', async () => {
    await ok(['create', 'configmap', 'before-watch']);
    const child = spawn(gate.path, ['--cache-dir', join(dir, 'cache'), 'get', 'configmaps', '-w', '--output-watch-events'], { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir } });
    let out = '';
    const listeners = new Set<() => void>();
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const l of [...listeners]) l();
    });
    const seen = (text: string | RegExp) => new Promise<void>((resolve, reject) => {
      const check = () => {
        if (typeof text === 'string' ? out.includes(text) : text.test(out)) {
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no "${text}" in kubectl -w output:\n${out}`));
      }, 15_000);
      listeners.add(check);
      check();
    });
    try {
      await seen('NAME');
      await ok(['create', 'configmap', 'watched', '--from-literal=a=b']);
      await seen(/ADDED\s+watched/);
      await ok(['label', 'configmap', 'watched', 'x=y']);
      await seen(/MODIFIED\s+watched/);
      await ok(['delete', 'configmap', 'watched']);
      await seen(/DELETED\s+watched/);
    } finally {
      child.kill();
    }
    expect(out).toMatch(/EVENT\s+NAME\s+DATA\s+AGE/);
    expect(out).toMatch(/DELETED\s+watched\s+1/);
  });

  it('serves a CRD generically: apply, printer columns, scale, delete', async () => {
    expect(await ok(['apply', '-f', '-'], crd)).toBe('customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n');
    await ok(['wait', '--for', 'condition=established', 'crd/widgets.example.com', '--timeout=10s']);
    const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3, color: red}\n';
    expect(await ok(['apply', '-f', '-'], widget)).toBe('widget.example.com/w1 created\n');
    expect(rows(await ok(['get', 'widgets', '-o', 'wide']))).toEqual([['NAME', 'SIZE', 'COLOR'], ['w1', '3', 'red']]);
    await ok(['scale', 'widget', 'w1', '--replicas=5']);
    expect(await ok(['get', 'wd', 'w1', '-o', 'jsonpath={.spec.size}'])).toBe('5');
    await ok(['patch', 'wd', 'w1', '--type', 'merge', '-p', '{"spec":{"color":"blue"}}']);
    expect(await ok(['apply', '-f', '-'], widget)).toBe('widget.example.com/w1 configured\n');
    expect(await ok(['api-resources', '--api-group', 'example.com', '-o', 'name'])).toBe('widgets.example.com\n');
    await ok(['delete', 'crd', 'widgets.example.com']);
    expect(sim.store.registry.tryResolve('widgets.example.com')).toBeUndefined();
  });

  it('deletes with cascade to owned objects', async () => {
    const owner = JSON.parse(await ok(['create', 'configmap', 'owner', '-o', 'json']));
    const owned = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid }] } };
    await ok(['create', '-f', '-'], JSON.stringify(owned));
    expect(await ok(['delete', 'configmap', 'owner'])).toBe('configmap "owner" deleted\n');
    expect((await kubectl(['get', 'configmap', 'owned'])).stderr).toContain('not found');
    await ok(['create', 'namespace', 'scratch']);
    expect(await ok(['delete', 'namespace', 'scratch', '--dry-run=server'])).toContain('deleted (server dry run)');
    expect((await kubectl(['get', 'namespace', 'scratch'])).code).toBe(0);
    expect((await kubectl(['delete', 'namespace', 'kube-system'])).stderr).toContain('this namespace may not be deleted');
  });
});
