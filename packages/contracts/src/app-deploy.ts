// "Deploy an application": one form spec that becomes a Deployment, a Service and optionally a
// HorizontalPodAutoscaler (autoscaling/v2) and an Ingress. The validator, the manifest generator
// and the parser back from live objects are PURE and shared: the web previews YAML and shows field
// errors without a round trip, the backend re-validates and generates the same objects.
import { Type, type Static } from '@sinclair/typebox';

/** Label that ties the four objects to their application (the Deployment's selector uses it too). */
export const APP_NAME_LABEL = 'app.k8s-console.io/name';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'k8s-console';

const str = (o: { maxLength?: number; minLength?: number } = {}) => Type.String({ maxLength: 4096, ...o });
const int = Type.Integer();
const stringMap = Type.Record(Type.String({ maxLength: 317 }), Type.String({ maxLength: 65_536 }));

export const EnvVarSpecSchema = Type.Object(
  {
    name: str({ maxLength: 256 }),
    /** value: a literal; configMapKeyRef / secretKeyRef: `refName` + `refKey` */
    source: Type.Union([Type.Literal('value'), Type.Literal('configMapKeyRef'), Type.Literal('secretKeyRef')]),
    value: Type.Optional(str({ maxLength: 65_536 })),
    refName: Type.Optional(str({ maxLength: 253 })),
    refKey: Type.Optional(str({ maxLength: 253 })),
  },
  { additionalProperties: false },
);
export type EnvVarSpec = Static<typeof EnvVarSpecSchema>;

export const ProbeSpecSchema = Type.Object(
  {
    type: Type.Union([Type.Literal('http'), Type.Literal('tcp'), Type.Literal('exec')]),
    /** http only; default "/" */
    path: Type.Optional(str({ maxLength: 2048 })),
    /** http and tcp; default the container port */
    port: Type.Optional(int),
    /** exec only */
    command: Type.Optional(Type.Array(str(), { maxItems: 64 })),
    initialDelaySeconds: Type.Optional(int),
    periodSeconds: Type.Optional(int),
    timeoutSeconds: Type.Optional(int),
    failureThreshold: Type.Optional(int),
  },
  { additionalProperties: false },
);
export type ProbeSpec = Static<typeof ProbeSpecSchema>;

const ResourceListSchema = Type.Object({ cpu: Type.Optional(str({ maxLength: 64 })), memory: Type.Optional(str({ maxLength: 64 })) }, { additionalProperties: false });

export const AppDeploySpecSchema = Type.Object(
  {
    namespace: str({ maxLength: 253 }),
    /** create the namespace first when it does not exist */
    createNamespace: Type.Optional(Type.Boolean()),
    name: str({ maxLength: 253 }),
    image: str({ maxLength: 1024 }),
    containerPort: int,
    /** ignored by the Deployment while autoscaling is on (the HPA owns spec.replicas then) */
    replicas: int,
    env: Type.Optional(Type.Array(EnvVarSpecSchema, { maxItems: 200 })),
    resources: Type.Optional(Type.Object({ requests: Type.Optional(ResourceListSchema), limits: Type.Optional(ResourceListSchema) }, { additionalProperties: false })),
    /** extra labels on every object and on the pods */
    labels: Type.Optional(stringMap),
    service: Type.Object(
      {
        type: Type.Union([Type.Literal('ClusterIP'), Type.Literal('NodePort'), Type.Literal('LoadBalancer')]),
        port: int,
        nodePort: Type.Optional(int),
      },
      { additionalProperties: false },
    ),
    autoscaling: Type.Object(
      {
        enabled: Type.Boolean(),
        minReplicas: Type.Optional(int),
        maxReplicas: Type.Optional(int),
        cpuUtilization: Type.Optional(int),
        memoryUtilization: Type.Optional(int),
      },
      { additionalProperties: false },
    ),
    ingress: Type.Object(
      {
        enabled: Type.Boolean(),
        host: Type.Optional(str({ maxLength: 253 })),
        path: Type.Optional(str({ maxLength: 2048 })),
        pathType: Type.Optional(Type.Union([Type.Literal('Prefix'), Type.Literal('Exact'), Type.Literal('ImplementationSpecific')])),
        ingressClassName: Type.Optional(str({ maxLength: 253 })),
        tlsSecretName: Type.Optional(str({ maxLength: 253 })),
        annotations: Type.Optional(stringMap),
      },
      { additionalProperties: false },
    ),
    readinessProbe: Type.Optional(ProbeSpecSchema),
    livenessProbe: Type.Optional(ProbeSpecSchema),
  },
  { $id: 'AppDeploySpec', additionalProperties: false },
);
export type AppDeploySpec = Static<typeof AppDeploySpecSchema>;

/** Create or update: the form's spec, or (after the YAML step) the edited manifests as YAML. */
export const AppDeployRequestSchema = Type.Object(
  {
    spec: AppDeploySpecSchema,
    /** the edited YAML of step 2; when present it is applied instead of the generated objects */
    yaml: Type.Optional(Type.String({ maxLength: 1_000_000 })),
    /** only ask the apiserver (server dry run) and return per-object diffs */
    dryRun: Type.Optional(Type.Boolean()),
  },
  { $id: 'AppDeployRequest', additionalProperties: false },
);
export type AppDeployRequest = Static<typeof AppDeployRequestSchema>;

export const AppFieldErrorSchema = Type.Object({
  /** path in the spec, e.g. `ingress.host`, `env[2].name` */
  field: Type.String(),
  message: Type.String(),
});
export type AppFieldError = Static<typeof AppFieldErrorSchema>;

export const AppObjectKindSchema = Type.Union([
  Type.Literal('Namespace'),
  Type.Literal('Deployment'),
  Type.Literal('Service'),
  Type.Literal('HorizontalPodAutoscaler'),
  Type.Literal('Ingress'),
]);
export type AppObjectKind = Static<typeof AppObjectKindSchema>;

const appObjectRefFields = {
  kind: AppObjectKindSchema,
  apiVersion: Type.String(),
  namespace: Type.String(),
  name: Type.String(),
};
export const AppObjectRefSchema = Type.Object(appObjectRefFields);
export type AppObjectRef = Static<typeof AppObjectRefSchema>;

export const AppObjectResultSchema = Type.Object({
  ...appObjectRefFields,
  action: Type.Union([
    Type.Literal('created'),
    Type.Literal('configured'),
    Type.Literal('unchanged'),
    Type.Literal('deleted'),
    Type.Literal('failed'),
    Type.Literal('rolled-back'),
    Type.Literal('skipped'),
  ]),
  diff: Type.Optional(Type.String()),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) })),
});
export type AppObjectResult = Static<typeof AppObjectResultSchema>;

/** The answer of create, update and delete. */
export const AppDeployResultSchema = Type.Object(
  {
    ok: Type.Boolean(),
    dryRun: Type.Boolean(),
    name: Type.String(),
    namespace: Type.String(),
    objects: Type.Array(AppObjectResultSchema),
    /** on failure: what happened, and what is left in the cluster (empty when everything was rolled back) */
    failure: Type.Optional(Type.Object({ message: Type.String(), remaining: Type.Array(AppObjectRefSchema) })),
  },
  { $id: 'AppDeployResult' },
);
export type AppDeployResult = Static<typeof AppDeployResultSchema>;

/** A Kubernetes object as generated or applied: any JSON object. */
const ManifestSchema = Type.Record(Type.String(), Type.Unknown());

/** The answer of preview: field errors, or the generated objects with a server dry run's diff of each. */
export const AppPreviewResponseSchema = Type.Object(
  {
    errors: Type.Array(AppFieldErrorSchema),
    /** generated objects in apply order (empty when the spec has errors) */
    manifests: Type.Array(ManifestSchema),
    objects: Type.Array(AppObjectResultSchema),
    namespaceExists: Type.Boolean(),
  },
  { $id: 'AppPreviewResponse' },
);
export type AppPreviewResponse = Static<typeof AppPreviewResponseSchema>;

/** A ConfigMap or Secret the form can refer to: its name, type and key names, never its values. */
export const AppRefSchema = Type.Object({ name: Type.String(), keys: Type.Array(Type.String()), type: Type.Optional(Type.String()) });
export type AppRef = Static<typeof AppRefSchema>;

/**
 * GET /api/v1/clusters/:id/app-deploy-refs/:namespace: what env references and the Ingress's TLS
 * secret can name. A kind the user may not list (or a namespace still to be made) is an empty list.
 */
export const AppRefsSchema = Type.Object({ configMaps: Type.Array(AppRefSchema), secrets: Type.Array(AppRefSchema) }, { $id: 'AppRefs' });
export type AppRefs = Static<typeof AppRefsSchema>;

export const AppSummarySchema = Type.Object({
  name: Type.String(),
  namespace: Type.String(),
  image: Type.Optional(Type.String()),
  replicas: Type.Optional(Type.Number()),
  readyReplicas: Type.Optional(Type.Number()),
  kinds: Type.Array(AppObjectKindSchema),
  creationTimestamp: Type.Optional(Type.String()),
});
export type AppSummary = Static<typeof AppSummarySchema>;

export const AppSummaryListSchema = Type.Object(
  {
    items: Type.Array(AppSummarySchema),
    /** kinds besides Deployment the user may not list here: the apps' `kinds` cannot show them */
    unlistedKinds: Type.Optional(Type.Array(AppObjectKindSchema)),
  },
  { $id: 'AppSummaryList' },
);
export type AppSummaryList = Static<typeof AppSummaryListSchema>;

/** One application as the form edits it: its spec read back from the cluster, and its objects. */
export const AppDetailSchema = Type.Object({ spec: AppDeploySpecSchema, objects: Type.Array(AppObjectRefSchema) }, { $id: 'AppDetail' });
export type AppDetail = Static<typeof AppDetailSchema>;

/** An app-deploy failure: the console's error, with every field error, or what a failed apply left. */
export const AppDeployErrorSchema = Type.Object(
  {
    error: Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) }),
    errors: Type.Optional(Type.Array(AppFieldErrorSchema)),
    result: Type.Optional(AppDeployResultSchema),
  },
  { $id: 'AppDeployError' },
);

// ---------------------------------------------------------------- validation

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const QUANTITY = /^([0-9]+(\.[0-9]*)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

export function isDns1123Label(v: string): boolean {
  return v.length <= 63 && DNS1123_LABEL.test(v);
}

export function isDns1123Subdomain(v: string): boolean {
  return v.length > 0 && v.length <= 253 && v.split('.').every((part) => DNS1123_LABEL.test(part));
}

/** A Kubernetes resource quantity (100m, 0.5, 128Mi, 1G) as a number, or undefined when not one. */
export function parseQuantity(v: string): number | undefined {
  const m = QUANTITY.exec(v);
  if (!m) return undefined;
  return Number(m[1]) * SUFFIX[m[3] ?? '']!;
}

function qualifiedNameError(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'a qualified name has at most one "/" (prefix/name)';
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2 && !isDns1123Subdomain(parts[0]!)) return 'the prefix must be a DNS subdomain (lowercase letters, digits, "-" and ".", e.g. example.com)';
  if (!name || name.length > 63) return 'the name part must be 1-63 characters';
  if (!QUALIFIED_NAME.test(name)) return 'must start and end with a letter or digit, with only letters, digits, "-", "_" and "." between';
  return undefined;
}

function labelValueError(v: string): string | undefined {
  if (v === '') return undefined;
  if (v.length > 63) return 'must be at most 63 characters';
  if (!QUALIFIED_NAME.test(v)) return 'must be empty or start and end with a letter or digit, with only letters, digits, "-", "_" and "." between';
  return undefined;
}

function hostError(host: string): string | undefined {
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  if (/^[0-9.]+$/.test(bare) || host.includes(':')) return 'must be a DNS name, not an IP address (a port is not allowed either)';
  if (!isDns1123Subdomain(bare)) return 'must be a lowercase DNS name such as app.example.com (a wildcard only as a leading "*.")';
  return undefined;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Every problem with the spec, each at its field, with the words Kubernetes would use. Empty when valid. */
export function validateAppDeploySpec(spec: AppDeploySpec): AppFieldError[] {
  const errors: AppFieldError[] = [];
  const err = (field: string, message: string) => errors.push({ field, message });
  const port = (field: string, v: unknown) => {
    if (!isInt(v) || v < 1 || v > 65_535) err(field, 'must be a port number between 1 and 65535');
  };

  if (!spec.namespace) err('namespace', 'is required');
  else if (!isDns1123Label(spec.namespace)) err('namespace', 'must be a DNS label: at most 63 lowercase letters, digits or "-", starting and ending with a letter or digit');
  // One name for all four objects: a Service name is the strictest (DNS-1035 label).
  if (!spec.name) err('name', 'is required');
  else if (spec.name.length > 63 || !DNS1035_LABEL.test(spec.name)) err('name', 'must be at most 63 lowercase letters, digits or "-", starting with a letter and ending with a letter or digit');
  if (!spec.image?.trim()) err('image', 'is required');
  else if (/\s/.test(spec.image)) err('image', 'must not contain spaces');
  port('containerPort', spec.containerPort);
  if (!isInt(spec.replicas) || spec.replicas < 0 || spec.replicas > 10_000) err('replicas', 'must be a whole number from 0 to 10000');

  const seen = new Set<string>();
  (spec.env ?? []).forEach((e, i) => {
    const at = `env[${i}]`;
    if (!e.name) err(`${at}.name`, 'is required');
    else if (!C_IDENTIFIER.test(e.name)) err(`${at}.name`, 'must be a C identifier: letters, digits and "_", not starting with a digit');
    else if (seen.has(e.name)) err(`${at}.name`, `"${e.name}" is set twice`);
    seen.add(e.name);
    if (e.source === 'value') return;
    const what = e.source === 'configMapKeyRef' ? 'ConfigMap' : 'Secret';
    if (!e.refName) err(`${at}.refName`, `the ${what} is required`);
    else if (!isDns1123Subdomain(e.refName)) err(`${at}.refName`, `must be the name of a ${what} (lowercase DNS subdomain)`);
    if (!e.refKey) err(`${at}.refKey`, 'the key is required');
    else if (!CONFIG_KEY.test(e.refKey)) err(`${at}.refKey`, 'must consist of letters, digits, "-", "_" or "."');
  });

  const amounts: Record<string, number | undefined> = {};
  for (const kind of ['requests', 'limits'] as const) {
    for (const res of ['cpu', 'memory'] as const) {
      const v = spec.resources?.[kind]?.[res];
      if (v === undefined || v === '') continue;
      const n = parseQuantity(v);
      if (n === undefined) err(`resources.${kind}.${res}`, res === 'cpu' ? 'must be a quantity such as 100m, 0.5 or 2' : 'must be a quantity such as 128Mi, 1Gi or 500M');
      else if (n <= 0) err(`resources.${kind}.${res}`, 'must be greater than zero');
      amounts[`${kind}.${res}`] = n;
    }
  }
  for (const res of ['cpu', 'memory']) {
    const req = amounts[`requests.${res}`];
    const lim = amounts[`limits.${res}`];
    if (req !== undefined && lim !== undefined && req > lim) err(`resources.requests.${res}`, `must be less than or equal to the ${res} limit`);
  }

  for (const [key, value] of Object.entries(spec.labels ?? {})) {
    const keyError = qualifiedNameError(key);
    if (keyError) err(`labels.${key}`, `label key: ${keyError}`);
    else if (key === APP_NAME_LABEL || key === MANAGED_BY_LABEL) err(`labels.${key}`, 'is set by the console');
    const valueError = labelValueError(value);
    if (valueError) err(`labels.${key}`, `label value: ${valueError}`);
  }

  port('service.port', spec.service.port);
  if (spec.service.nodePort !== undefined) {
    if (spec.service.type === 'ClusterIP') err('service.nodePort', 'only a NodePort or LoadBalancer Service has a node port');
    else if (!isInt(spec.service.nodePort) || spec.service.nodePort < 30_000 || spec.service.nodePort > 32_767) err('service.nodePort', 'must be in the node port range 30000-32767');
  }

  const a = spec.autoscaling;
  if (a.enabled) {
    if (!isInt(a.minReplicas) || a.minReplicas < 1) err('autoscaling.minReplicas', 'must be at least 1');
    if (!isInt(a.maxReplicas) || a.maxReplicas < 1) err('autoscaling.maxReplicas', 'must be at least 1');
    else if (isInt(a.minReplicas) && a.maxReplicas < a.minReplicas) err('autoscaling.maxReplicas', 'must be greater than or equal to the minimum');
    if (a.cpuUtilization === undefined && a.memoryUtilization === undefined) err('autoscaling.cpuUtilization', 'set a CPU or a memory target');
    for (const res of ['cpu', 'memory'] as const) {
      const v = res === 'cpu' ? a.cpuUtilization : a.memoryUtilization;
      const field = `autoscaling.${res}Utilization`;
      if (v === undefined) continue;
      if (!isInt(v) || v < 1 || v > 100) err(field, 'must be a percentage from 1 to 100');
      // Utilisation is measured against the request: without one the autoscaler cannot act.
      else if (!spec.resources?.requests?.[res]) err(field, `needs a ${res} request (utilisation is a share of the request)`);
    }
  }

  const ing = spec.ingress;
  if (ing.enabled) {
    if (ing.host) {
      const h = hostError(ing.host);
      if (h) err('ingress.host', h);
    }
    const path = ing.path ?? '/';
    if (!path.startsWith('/')) err('ingress.path', 'must be an absolute path starting with "/"');
    else if (/\s/.test(path)) err('ingress.path', 'must not contain spaces');
    if (ing.pathType && !['Prefix', 'Exact', 'ImplementationSpecific'].includes(ing.pathType)) err('ingress.pathType', 'must be Exact, Prefix or ImplementationSpecific');
    if (ing.ingressClassName && !isDns1123Subdomain(ing.ingressClassName)) err('ingress.ingressClassName', 'must be the name of an IngressClass (lowercase DNS subdomain)');
    if (ing.tlsSecretName) {
      if (!isDns1123Subdomain(ing.tlsSecretName)) err('ingress.tlsSecretName', 'must be the name of a Secret (lowercase DNS subdomain)');
      if (!ing.host) err('ingress.host', 'TLS needs a host (the certificate is chosen by host name)');
    }
    for (const key of Object.keys(ing.annotations ?? {})) {
      const keyError = qualifiedNameError(key);
      if (keyError) err(`ingress.annotations.${key}`, `annotation key: ${keyError}`);
    }
  }

  for (const which of ['readinessProbe', 'livenessProbe'] as const) {
    const p = spec[which];
    if (!p) continue;
    if (p.type === 'http') {
      if (p.path !== undefined && !p.path.startsWith('/')) err(`${which}.path`, 'must start with "/"');
      if (p.port !== undefined) port(`${which}.port`, p.port);
    } else if (p.type === 'tcp') {
      if (p.port !== undefined) port(`${which}.port`, p.port);
    } else if (!p.command?.length || p.command.every((c) => !c.trim())) err(`${which}.command`, 'an exec probe needs a command');
    const bounds: [keyof ProbeSpec, number][] = [['initialDelaySeconds', 0], ['periodSeconds', 1], ['timeoutSeconds', 1], ['failureThreshold', 1]];
    for (const [f, min] of bounds) {
      const v = p[f];
      if (v !== undefined && (!isInt(v) || v < min)) err(`${which}.${f}`, `must be a whole number of at least ${min}`);
    }
  }
  return errors;
}

// ---------------------------------------------------------------- generation

type Obj = Record<string, unknown>;

export function appLabels(spec: Pick<AppDeploySpec, 'name' | 'labels'>): Record<string, string> {
  return { ...(spec.labels ?? {}), [APP_NAME_LABEL]: spec.name, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
}

export function appSelector(name: string): string {
  return `${APP_NAME_LABEL}=${name},${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
}

function probe(p: ProbeSpec, containerPort: number): Obj {
  const out: Obj = {};
  if (p.type === 'http') out.httpGet = { path: p.path || '/', port: p.port ?? containerPort };
  else if (p.type === 'tcp') out.tcpSocket = { port: p.port ?? containerPort };
  else out.exec = { command: (p.command ?? []).filter((c) => c !== '') };
  for (const f of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold'] as const) if (p[f] !== undefined) out[f] = p[f];
  return out;
}

function resourceList(list: { cpu?: string; memory?: string } | undefined): Obj | undefined {
  const out: Obj = {};
  if (list?.cpu) out.cpu = list.cpu;
  if (list?.memory) out.memory = list.memory;
  return Object.keys(out).length ? out : undefined;
}

/** The objects in apply order: Deployment, Service, then the HPA and the Ingress when they are on. */
export function generateAppManifests(spec: AppDeploySpec): Obj[] {
  const labels = appLabels(spec);
  const metadata = { name: spec.name, namespace: spec.namespace, labels };
  const podLabels = { ...(spec.labels ?? {}), [APP_NAME_LABEL]: spec.name };

  const container: Obj = { name: spec.name, image: spec.image, ports: [{ name: 'http', containerPort: spec.containerPort, protocol: 'TCP' }] };
  if (spec.env?.length) {
    container.env = spec.env.map((e) => {
      if (e.source === 'value') return { name: e.name, value: e.value ?? '' };
      return { name: e.name, valueFrom: { [e.source]: { name: e.refName, key: e.refKey } } };
    });
  }
  const requests = resourceList(spec.resources?.requests);
  const limits = resourceList(spec.resources?.limits);
  if (requests || limits) container.resources = { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
  if (spec.readinessProbe) container.readinessProbe = probe(spec.readinessProbe, spec.containerPort);
  if (spec.livenessProbe) container.livenessProbe = probe(spec.livenessProbe, spec.containerPort);

  const deploymentSpec: Obj = {
    selector: { matchLabels: { [APP_NAME_LABEL]: spec.name } },
    template: { metadata: { labels: podLabels }, spec: { containers: [container] } },
  };
  // With an autoscaler the HPA owns spec.replicas: applying a count would fight it.
  if (!spec.autoscaling.enabled) deploymentSpec.replicas = spec.replicas;
  const out: Obj[] = [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: deploymentSpec }];

  const servicePort: Obj = { name: 'http', port: spec.service.port, targetPort: 'http', protocol: 'TCP' };
  if (spec.service.nodePort !== undefined && spec.service.type !== 'ClusterIP') servicePort.nodePort = spec.service.nodePort;
  out.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: { type: spec.service.type, selector: { [APP_NAME_LABEL]: spec.name }, ports: [servicePort] },
  });

  const a = spec.autoscaling;
  if (a.enabled) {
    const metrics: Obj[] = [];
    for (const [res, target] of [['cpu', a.cpuUtilization], ['memory', a.memoryUtilization]] as const) {
      if (target !== undefined) metrics.push({ type: 'Resource', resource: { name: res, target: { type: 'Utilization', averageUtilization: target } } });
    }
    out.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.name },
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        metrics,
      },
    });
  }

  const ing = spec.ingress;
  if (ing.enabled) {
    const rule: Obj = {
      http: {
        paths: [{ path: ing.path || '/', pathType: ing.pathType ?? 'Prefix', backend: { service: { name: spec.name, port: { name: 'http' } } } }],
      },
    };
    if (ing.host) rule.host = ing.host;
    const ingressSpec: Obj = { rules: [rule] };
    if (ing.ingressClassName) ingressSpec.ingressClassName = ing.ingressClassName;
    if (ing.tlsSecretName) ingressSpec.tls = [{ hosts: ing.host ? [ing.host] : [], secretName: ing.tlsSecretName }];
    const annotations = ing.annotations && Object.keys(ing.annotations).length ? { annotations: { ...ing.annotations } } : {};
    out.push({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { ...metadata, ...annotations }, spec: ingressSpec });
  }
  return out;
}

/** A spec with sensible defaults for a new application (what the form starts from). */
export function defaultAppDeploySpec(namespace = 'default'): AppDeploySpec {
  return {
    namespace,
    name: '',
    image: '',
    containerPort: 8080,
    replicas: 1,
    env: [],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    labels: {},
    service: { type: 'ClusterIP', port: 80 },
    autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 5, cpuUtilization: 80 },
    ingress: { enabled: false, path: '/', pathType: 'Prefix', annotations: {} },
  };
}

// ---------------------------------------------------------------- parsing back

/* eslint-disable @typescript-eslint/no-explicit-any -- reading arbitrary Kubernetes objects */
function parseProbe(p: any): ProbeSpec | undefined {
  if (!p || typeof p !== 'object') return undefined;
  const out: ProbeSpec = p.httpGet
    ? { type: 'http', path: p.httpGet.path ?? '/', ...(typeof p.httpGet.port === 'number' ? { port: p.httpGet.port } : {}) }
    : p.tcpSocket
      ? { type: 'tcp', ...(typeof p.tcpSocket.port === 'number' ? { port: p.tcpSocket.port } : {}) }
      : { type: 'exec', command: Array.isArray(p.exec?.command) ? p.exec.command.map(String) : [] };
  for (const f of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold'] as const) if (typeof p[f] === 'number') out[f] = p[f];
  return out;
}

/**
 * The form's spec back from an application's objects (live, or edited YAML). What the form cannot
 * express (a second container, extra ports) is left out. Throws when there is no Deployment.
 */
export function parseAppManifests(objects: Obj[]): AppDeploySpec {
  const find = (kind: string) => objects.find((o) => o?.kind === kind) as any;
  const deployment = find('Deployment');
  if (!deployment) throw new Error('an application needs a Deployment');
  const service = find('Service');
  const hpa = find('HorizontalPodAutoscaler');
  const ingress = find('Ingress');
  const name: string = deployment.metadata?.name ?? '';
  const c = deployment.spec?.template?.spec?.containers?.[0] ?? {};
  const labels: Record<string, string> = { ...(deployment.metadata?.labels ?? {}) };
  delete labels[APP_NAME_LABEL];
  delete labels[MANAGED_BY_LABEL];

  const spec: AppDeploySpec = {
    namespace: deployment.metadata?.namespace ?? 'default',
    name,
    image: c.image ?? '',
    containerPort: c.ports?.[0]?.containerPort ?? 80,
    replicas: deployment.spec?.replicas ?? hpa?.spec?.minReplicas ?? 1,
    env: (c.env ?? []).map((e: any): EnvVarSpec => {
      if (e.valueFrom?.configMapKeyRef) return { name: e.name, source: 'configMapKeyRef', refName: e.valueFrom.configMapKeyRef.name ?? '', refKey: e.valueFrom.configMapKeyRef.key ?? '' };
      if (e.valueFrom?.secretKeyRef) return { name: e.name, source: 'secretKeyRef', refName: e.valueFrom.secretKeyRef.name ?? '', refKey: e.valueFrom.secretKeyRef.key ?? '' };
      return { name: e.name, source: 'value', value: e.value ?? '' };
    }),
    resources: {
      requests: { ...(c.resources?.requests?.cpu ? { cpu: String(c.resources.requests.cpu) } : {}), ...(c.resources?.requests?.memory ? { memory: String(c.resources.requests.memory) } : {}) },
      limits: { ...(c.resources?.limits?.cpu ? { cpu: String(c.resources.limits.cpu) } : {}), ...(c.resources?.limits?.memory ? { memory: String(c.resources.limits.memory) } : {}) },
    },
    labels,
    service: { type: service?.spec?.type ?? 'ClusterIP', port: service?.spec?.ports?.[0]?.port ?? 80 },
    autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 5, cpuUtilization: 80 },
    ingress: { enabled: false, path: '/', pathType: 'Prefix', annotations: {} },
  };
  const nodePort = service?.spec?.ports?.[0]?.nodePort;
  if (typeof nodePort === 'number' && spec.service.type !== 'ClusterIP') spec.service.nodePort = nodePort;
  const readiness = parseProbe(c.readinessProbe);
  const liveness = parseProbe(c.livenessProbe);
  if (readiness) spec.readinessProbe = readiness;
  if (liveness) spec.livenessProbe = liveness;

  if (hpa) {
    const target = (res: string) => (hpa.spec?.metrics ?? []).find((m: any) => m.type === 'Resource' && m.resource?.name === res)?.resource?.target?.averageUtilization;
    spec.autoscaling = { enabled: true, minReplicas: hpa.spec?.minReplicas ?? 1, maxReplicas: hpa.spec?.maxReplicas ?? 1 };
    const cpu = target('cpu');
    const memory = target('memory');
    if (typeof cpu === 'number') spec.autoscaling.cpuUtilization = cpu;
    if (typeof memory === 'number') spec.autoscaling.memoryUtilization = memory;
  }
  if (ingress) {
    const rule = ingress.spec?.rules?.[0] ?? {};
    const path = rule.http?.paths?.[0] ?? {};
    spec.ingress = { enabled: true, path: path.path ?? '/', pathType: path.pathType ?? 'Prefix', annotations: { ...(ingress.metadata?.annotations ?? {}) } };
    if (rule.host) spec.ingress.host = rule.host;
    if (ingress.spec?.ingressClassName) spec.ingress.ingressClassName = ingress.spec.ingressClassName;
    const secret = ingress.spec?.tls?.[0]?.secretName;
    if (secret) spec.ingress.tlsSecretName = secret;
    // kubectl and controllers add annotations of their own; keep only what a user would set
    delete spec.ingress.annotations!['kubectl.kubernetes.io/last-applied-configuration'];
  }
  return spec;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
