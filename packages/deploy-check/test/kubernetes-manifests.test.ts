// deploy/kubernetes: every object valid against the Kubernetes API schemas (kubernetes-models),
// the pieces wired to each other as the replicas need them (Downward API, headless Service,
// internal port fenced by the NetworkPolicy and absent from the client Service and Ingress),
// and the whole kustomization accepted by an apiserver (kube-sim) in a server-side dry run.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@k8s-console/kube-sim';
import { kubectlPath } from '@k8s-console/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadManifests, manifestFiles, modelPath, type Manifest } from '../src/manifests';
import { kubernetesDir } from '../src/repo-paths';

const manifests = loadManifests();
const NAMESPACE = 'k8s-console';

function one(kind: string, name?: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0]!;
}

const sts = one('StatefulSet');
const podSpec = sts.spec.template.spec;
const podLabels: Record<string, string> = sts.spec.template.metadata.labels;
const container = podSpec.containers[0];
type EnvVar = { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } } };
const env = new Map<string, EnvVar>((container.env as EnvVar[]).map((e) => [e.name, e]));
const containerPort = (name: string): number => (container.ports as { name: string; containerPort: number }[]).find((p) => p.name === name)!.containerPort;

function selects(selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => podLabels[k] === v);
}

describe('Kubernetes manifests', () => {
  it('validate against the Kubernetes API schemas', async () => {
    for (const m of manifests) {
      const mod = (await import(modelPath(m.apiVersion, m.kind))) as Record<string, new (data: unknown) => { validate(): void }>;
      const Model = mod[m.kind]!;
      const { file: _file, ...object } = m;
      expect(() => new Model(object).validate(), `${m.file}: ${m.kind} ${m.metadata.name}`).not.toThrow();
    }
    // the validator is not a rubber stamp
    const { StatefulSet } = await import('kubernetes-models/apps/v1/StatefulSet');
    const broken = structuredClone({ ...sts, file: undefined });
    broken.spec.replicas = 'two';
    expect(() => new StatefulSet(broken).validate()).toThrow(/replicas must be integer/);
  });

  it('are all listed in the kustomization, in one namespace', () => {
    const kustomization = parse(readFileSync(join(kubernetesDir, 'kustomization.yaml'), 'utf8')) as { namespace: string; resources: string[] };
    expect([...kustomization.resources].sort()).toEqual(manifestFiles());
    expect(kustomization.namespace).toBe(NAMESPACE);
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
    for (const m of manifests) {
      if (clusterScoped.has(m.kind)) expect(m.metadata.namespace, m.kind).toBeUndefined();
      else expect(m.metadata.namespace, `${m.kind} ${m.metadata.name}`).toBe(NAMESPACE);
    }
  });

  it('give each replica POD_IP, POD_NAMESPACE and SERVICE_NAME from the Downward API', () => {
    expect(env.get('POD_IP')?.valueFrom?.fieldRef?.fieldPath).toBe('status.podIP');
    expect(env.get('POD_NAMESPACE')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.namespace');
    const servicePath = env.get('SERVICE_NAME')?.valueFrom?.fieldRef?.fieldPath;
    const annotation = /^metadata\.annotations\['(.+)'\]$/.exec(servicePath ?? '')?.[1];
    expect(annotation).toBeDefined();
    expect(sts.spec.template.metadata.annotations[annotation!]).toBe(sts.spec.serviceName);
  });

  it('find peers through a headless Service that lists starting replicas too', () => {
    const headless = one('Service', sts.spec.serviceName);
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    expect(selects(headless.spec.selector)).toBe(true);
    // peers are called on POD_PORT, which is the internal port
    expect(env.get('INTERNAL_PORT')?.value).toBe(String(containerPort('internal')));
    expect(env.get('POD_PORT')?.value).toBe(String(containerPort('internal')));
    expect(env.get('PORT')?.value).toBe(String(containerPort('http')));
    expect(headless.spec.ports).toEqual([{ name: 'internal', port: containerPort('internal'), targetPort: 'internal' }]);
  });

  it('take every secret by reference, never as a value', () => {
    for (const name of ['DATABASE_URL', 'KUBECONFIG_ENCRYPTION_KEYS', 'JWT_SECRET', 'INTERNAL_SECRET', 'ADMIN_PASSWORD']) {
      const v = env.get(name);
      expect(v?.value, name).toBeUndefined();
      expect(v?.valueFrom?.secretKeyRef?.name, name).toBe('k8s-console-secrets');
    }
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
  });

  it('probe readiness and liveness on the health endpoints', () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.startupProbe.httpGet.path).toBe('/health/ready');
  });

  it('run unprivileged, fit for the restricted Pod Security profile', () => {
    expect(one('Namespace').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(podSpec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });

  it('let only sibling pods reach the internal port, and only the Ingress controller the public one', () => {
    const policy = one('NetworkPolicy');
    expect(selects(policy.spec.podSelector.matchLabels)).toBe(true);
    expect(policy.spec.policyTypes).toContain('Ingress');
    type Rule = { from?: { podSelector?: { matchLabels: Record<string, string> }; namespaceSelector?: unknown; ipBlock?: unknown }[]; ports?: { port: string | number }[] };
    const rules = policy.spec.ingress as Rule[];
    const internal = (p: { port: string | number }) => p.port === 'internal' || p.port === containerPort('internal');
    const reachingInternal = rules.filter((r) => !r.ports || r.ports.some(internal));
    expect(reachingInternal).toHaveLength(1);
    const from = reachingInternal[0]!.from!;
    expect(from).toHaveLength(1);
    expect(from[0]!.namespaceSelector).toBeUndefined();
    expect(from[0]!.ipBlock).toBeUndefined();
    expect(selects(from[0]!.podSelector!.matchLabels)).toBe(true);
    // the public port only from the Ingress controller's namespace: the backend trusts the
    // X-Forwarded-For of whatever connects (TRUST_PROXY=1)
    const reachingPublic = rules.filter((r) => !r.ports || r.ports.some((p) => p.port === 'http'));
    expect(reachingPublic).toHaveLength(1);
    expect(reachingPublic[0]!.from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }]);
  });

  it('keep the internal port out of the client Service and the Ingress', () => {
    const client = one('Service', 'k8s-console');
    expect(client.spec.clusterIP).toBeUndefined();
    expect(selects(client.spec.selector)).toBe(true);
    expect((client.spec.ports as { targetPort: string }[]).map((p) => p.targetPort)).toEqual(['http']);
    const ingresses = manifests.filter((m) => m.kind === 'Ingress');
    type Path = { path: string; backend: { service: { name: string; port: { name?: string; number?: number } } } };
    const paths = ingresses.flatMap((i) => (i.spec.rules as { http: { paths: Path[] } }[]).flatMap((r) => r.http.paths.map((p) => ({ ingress: i, path: p }))));
    for (const { path } of paths) {
      expect(path.backend.service.name).toBe('k8s-console');
      expect(path.backend.service.port.name).toBe('http');
    }
    const blocked = paths.find((p) => p.path.path === '/api/v1/internal');
    expect(blocked?.path).toMatchObject({ pathType: 'Prefix' });
    expect(blocked?.ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/denylist-source-range']).toBe('0.0.0.0/0,::/0');
  });

  it('keep one replica up through voluntary disruptions', () => {
    const pdb = one('PodDisruptionBudget');
    expect(selects(pdb.spec.selector.matchLabels)).toBe(true);
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(sts.spec.replicas).toBeGreaterThan(1);
  });

  it('run as a ServiceAccount with no rights in the cluster and no token mounted', () => {
    const sa = one('ServiceAccount');
    expect(podSpec.serviceAccountName).toBe(sa.metadata.name);
    expect(podSpec.automountServiceAccountToken).toBe(false);
    expect(manifests.filter((m) => ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].includes(m.kind))).toEqual([]);
  });
});

const kubectl = kubectlPath();

describe.runIf(kubectl.available)('the kustomization on an apiserver (kube-sim, server-side dry run)', () => {
  let sim: KubeSim;
  let dir: string;
  let kubeconfig: string;

  beforeAll(async () => {
    sim = await startKubeSim();
    dir = mkdtempSync(join(tmpdir(), 'deploy-check-kubectl-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, sim.kubeconfig('sim'), { mode: 0o600 });
  });

  afterAll(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // asynchronous: kube-sim answers from this very process, so its event loop must keep running
  function kubectlRun(args: string[]): Promise<{ status: number; out: string }> {
    return new Promise((resolve) => {
      execFile(kubectl.path, args, { env: { ...process.env, KUBECONFIG: kubeconfig } }, (err, stdout, stderr) => {
        resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
      });
    });
  }

  it('accepts every object', async () => {
    // the namespace for real first: namespaced objects are checked against an existing one
    const ns = await kubectlRun(['apply', '--server-side', '--field-manager=deploy-check', '-f', join(kubernetesDir, 'namespace.yaml')]);
    expect(ns.status, ns.out).toBe(0);
    const r = await kubectlRun(['apply', '--server-side', '--dry-run=server', '--field-manager=deploy-check', '-k', kubernetesDir]);
    expect(r.status, r.out).toBe(0);
    for (const m of manifests) expect(r.out).toContain(`/${m.metadata.name} serverside-applied (server dry run)`);
    // a dry run stores nothing
    const sts = await kubectlRun(['get', 'statefulsets', '-n', NAMESPACE, '-o', 'name']);
    expect(sts).toEqual({ status: 0, out: '' });
  });
});
