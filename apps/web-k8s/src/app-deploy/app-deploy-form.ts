// The form's state for "deploy an application" and its two-way mapping to the shared spec
// (contracts' AppDeploySpec). Labels and annotations are edited as rows, probes as a type plus
// fields; errors come from the same validator the backend runs, keyed by field path.
import { stringify } from 'yaml';
import {
  defaultAppDeploySpec,
  generateAppManifests,
  validateAppDeploySpec,
  type AppDeploySpec,
  type EnvVarSpec,
  type ProbeSpec,
} from '@k8s-console/contracts';

export interface KeyValueRow {
  key: string;
  value: string;
}

export interface ProbeForm {
  type: 'none' | 'http' | 'tcp' | 'exec';
  path: string;
  port: number | null;
  /** exec: the command line, split on spaces */
  command: string;
  initialDelaySeconds: number | null;
  periodSeconds: number | null;
}

export interface AppForm {
  namespace: string;
  createNamespace: boolean;
  name: string;
  image: string;
  containerPort: number | null;
  replicas: number | null;
  env: EnvVarSpec[];
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
  labels: KeyValueRow[];
  service: { type: 'ClusterIP' | 'NodePort' | 'LoadBalancer'; port: number | null; nodePort: number | null };
  autoscaling: { enabled: boolean; minReplicas: number | null; maxReplicas: number | null; cpuUtilization: number | null; memoryUtilization: number | null };
  ingress: {
    enabled: boolean;
    host: string;
    path: string;
    pathType: 'Prefix' | 'Exact' | 'ImplementationSpecific';
    ingressClassName: string;
    tlsSecretName: string;
    annotations: KeyValueRow[];
  };
  readinessProbe: ProbeForm;
  livenessProbe: ProbeForm;
}

const rows = (map: Record<string, string> | undefined): KeyValueRow[] => Object.entries(map ?? {}).map(([key, value]) => ({ key, value }));
const record = (list: KeyValueRow[]): Record<string, string> => Object.fromEntries(list.filter((r) => r.key.trim()).map((r) => [r.key.trim(), r.value]));
// An empty number field is NaN in the spec: the validator then names the field.
const num = (v: number | null): number => (v === null || v === undefined ? Number.NaN : v);

function probeForm(p: ProbeSpec | undefined): ProbeForm {
  return {
    type: p?.type ?? 'none',
    path: p?.path ?? '/',
    port: p?.port ?? null,
    command: (p?.command ?? []).join(' '),
    initialDelaySeconds: p?.initialDelaySeconds ?? null,
    periodSeconds: p?.periodSeconds ?? null,
  };
}

function probeSpec(p: ProbeForm): ProbeSpec | undefined {
  if (p.type === 'none') return undefined;
  const out: ProbeSpec = { type: p.type };
  if (p.type === 'http') out.path = p.path || '/';
  if (p.type !== 'exec' && p.port !== null) out.port = p.port;
  if (p.type === 'exec') out.command = p.command.split(/\s+/).filter(Boolean);
  if (p.initialDelaySeconds !== null) out.initialDelaySeconds = p.initialDelaySeconds;
  if (p.periodSeconds !== null) out.periodSeconds = p.periodSeconds;
  return out;
}

export function formFromSpec(spec: AppDeploySpec): AppForm {
  return {
    namespace: spec.namespace,
    createNamespace: spec.createNamespace ?? false,
    name: spec.name,
    image: spec.image,
    containerPort: spec.containerPort,
    replicas: spec.replicas,
    env: (spec.env ?? []).map((e) => ({ ...e })),
    requests: { cpu: spec.resources?.requests?.cpu ?? '', memory: spec.resources?.requests?.memory ?? '' },
    limits: { cpu: spec.resources?.limits?.cpu ?? '', memory: spec.resources?.limits?.memory ?? '' },
    labels: rows(spec.labels),
    service: { type: spec.service.type, port: spec.service.port, nodePort: spec.service.nodePort ?? null },
    autoscaling: {
      enabled: spec.autoscaling.enabled,
      minReplicas: spec.autoscaling.minReplicas ?? 1,
      maxReplicas: spec.autoscaling.maxReplicas ?? 5,
      cpuUtilization: spec.autoscaling.cpuUtilization ?? null,
      memoryUtilization: spec.autoscaling.memoryUtilization ?? null,
    },
    ingress: {
      enabled: spec.ingress.enabled,
      host: spec.ingress.host ?? '',
      path: spec.ingress.path ?? '/',
      pathType: spec.ingress.pathType ?? 'Prefix',
      ingressClassName: spec.ingress.ingressClassName ?? '',
      tlsSecretName: spec.ingress.tlsSecretName ?? '',
      annotations: rows(spec.ingress.annotations),
    },
    readinessProbe: probeForm(spec.readinessProbe),
    livenessProbe: probeForm(spec.livenessProbe),
  };
}

export function newAppForm(namespace = 'default'): AppForm {
  return formFromSpec(defaultAppDeploySpec(namespace));
}

export function specFromForm(f: AppForm): AppDeploySpec {
  const list = (l: { cpu: string; memory: string }) => ({ ...(l.cpu.trim() ? { cpu: l.cpu.trim() } : {}), ...(l.memory.trim() ? { memory: l.memory.trim() } : {}) });
  const spec: AppDeploySpec = {
    namespace: f.namespace.trim(),
    name: f.name.trim(),
    image: f.image.trim(),
    containerPort: num(f.containerPort),
    replicas: num(f.replicas),
    env: f.env.map((e) => (e.source === 'value' ? { name: e.name, source: 'value', value: e.value ?? '' } : { name: e.name, source: e.source, refName: e.refName ?? '', refKey: e.refKey ?? '' })),
    resources: { requests: list(f.requests), limits: list(f.limits) },
    labels: record(f.labels),
    service: { type: f.service.type, port: num(f.service.port), ...(f.service.type !== 'ClusterIP' && f.service.nodePort !== null ? { nodePort: f.service.nodePort } : {}) },
    autoscaling: f.autoscaling.enabled
      ? {
          enabled: true,
          minReplicas: num(f.autoscaling.minReplicas),
          maxReplicas: num(f.autoscaling.maxReplicas),
          ...(f.autoscaling.cpuUtilization !== null ? { cpuUtilization: f.autoscaling.cpuUtilization } : {}),
          ...(f.autoscaling.memoryUtilization !== null ? { memoryUtilization: f.autoscaling.memoryUtilization } : {}),
        }
      : { enabled: false },
    ingress: f.ingress.enabled
      ? {
          enabled: true,
          path: f.ingress.path,
          pathType: f.ingress.pathType,
          annotations: record(f.ingress.annotations),
          ...(f.ingress.host.trim() ? { host: f.ingress.host.trim() } : {}),
          ...(f.ingress.ingressClassName ? { ingressClassName: f.ingress.ingressClassName } : {}),
          ...(f.ingress.tlsSecretName ? { tlsSecretName: f.ingress.tlsSecretName } : {}),
        }
      : { enabled: false },
  };
  if (f.createNamespace) spec.createNamespace = true;
  const readiness = probeSpec(f.readinessProbe);
  const liveness = probeSpec(f.livenessProbe);
  if (readiness) spec.readinessProbe = readiness;
  if (liveness) spec.livenessProbe = liveness;
  return spec;
}

/** Field path → message, from the shared validator. */
export function formErrors(f: AppForm): Map<string, string> {
  const errors = new Map<string, string>();
  for (const e of validateAppDeploySpec(specFromForm(f))) if (!errors.has(e.field)) errors.set(e.field, e.message);
  return errors;
}

/** The generated objects as multi-document YAML (step 2 shows and edits it). */
export function manifestsYaml(spec: AppDeploySpec): string {
  return generateAppManifests(spec)
    .map((m) => stringify(m))
    .join('---\n');
}
