// The shared (contracts) validator, generator and parser of "deploy an application": every field
// refused as Kubernetes would, at its path; generated objects round-trip through the parser.
import { describe, expect, it } from 'vitest';
import {
  APP_NAME_LABEL,
  MANAGED_BY_LABEL,
  defaultAppDeploySpec,
  generateAppManifests,
  parseAppManifests,
  parseQuantity,
  validateAppDeploySpec,
  type AppDeploySpec,
} from '@k8s-console/contracts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading generated objects
type Any = any;

function valid(): AppDeploySpec {
  return {
    ...defaultAppDeploySpec('shop'),
    name: 'web',
    image: 'nginx:1.27',
    env: [
      { name: 'MODE', source: 'value', value: 'prod' },
      { name: 'DB_HOST', source: 'configMapKeyRef', refName: 'db-config', refKey: 'host' },
      { name: 'DB_PASSWORD', source: 'secretKeyRef', refName: 'db-secret', refKey: 'password' },
    ],
    labels: { team: 'checkout', 'example.com/tier': 'frontend' },
    service: { type: 'NodePort', port: 80, nodePort: 30080 },
    autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6, cpuUtilization: 70, memoryUtilization: 80 },
    ingress: { enabled: true, host: 'shop.example.com', path: '/', pathType: 'Prefix', ingressClassName: 'nginx', tlsSecretName: 'shop-tls', annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } },
    readinessProbe: { type: 'http', path: '/healthz', periodSeconds: 5 },
    livenessProbe: { type: 'tcp', initialDelaySeconds: 10 },
  };
}

/** The fields the validator names for one change to a valid spec. */
function fieldsFor(change: (s: AppDeploySpec) => void): string[] {
  const spec = valid();
  change(spec);
  return validateAppDeploySpec(spec).map((e) => e.field);
}

describe('app-deploy spec validation', () => {
  it('accepts a complete valid spec', () => {
    expect(validateAppDeploySpec(valid())).toEqual([]);
  });

  it.each<[string, (s: AppDeploySpec) => void, string]>([
    ['empty namespace', (s) => (s.namespace = ''), 'namespace'],
    ['namespace with capitals', (s) => (s.namespace = 'Shop'), 'namespace'],
    ['namespace over 63 characters', (s) => (s.namespace = 'a'.repeat(64)), 'namespace'],
    ['name with an underscore', (s) => (s.name = 'my_app'), 'name'],
    ['name starting with a digit (not a Service name)', (s) => (s.name = '1web'), 'name'],
    ['name ending with a dash', (s) => (s.name = 'web-'), 'name'],
    ['empty image', (s) => (s.image = ' '), 'image'],
    ['image with spaces', (s) => (s.image = 'nginx latest'), 'image'],
    ['container port 0', (s) => (s.containerPort = 0), 'containerPort'],
    ['container port 65536', (s) => (s.containerPort = 65_536), 'containerPort'],
    ['negative replicas', (s) => (s.replicas = -1), 'replicas'],
    ['fractional replicas', (s) => (s.replicas = 1.5), 'replicas'],
    ['env name with a dash', (s) => (s.env![0]!.name = 'MY-VAR'), 'env[0].name'],
    ['env name starting with a digit', (s) => (s.env![0]!.name = '1VAR'), 'env[0].name'],
    ['env name twice', (s) => (s.env![1]!.name = 'MODE'), 'env[1].name'],
    ['ConfigMap ref without a name', (s) => (s.env![1]!.refName = ''), 'env[1].refName'],
    ['ConfigMap ref with a bad name', (s) => (s.env![1]!.refName = 'DB Config'), 'env[1].refName'],
    ['Secret ref without a key', (s) => (s.env![2]!.refKey = ''), 'env[2].refKey'],
    ['Secret ref with a bad key', (s) => (s.env![2]!.refKey = 'pass word'), 'env[2].refKey'],
    ['cpu request not a quantity', (s) => (s.resources!.requests!.cpu = '100 m'), 'resources.requests.cpu'],
    ['memory limit not a quantity', (s) => (s.resources!.limits!.memory = '256MB'), 'resources.limits.memory'],
    ['request above limit', (s) => (s.resources!.requests!.memory = '1Gi'), 'resources.requests.memory'],
    ['label key with two slashes', (s) => (s.labels = { 'a/b/c': 'x' }), 'labels.a/b/c'],
    ['label key with a bad prefix', (s) => (s.labels = { 'Example.com/tier': 'x' }), 'labels.Example.com/tier'],
    ['label value with spaces', (s) => (s.labels = { team: 'check out' }), 'labels.team'],
    ['label value over 63 characters', (s) => (s.labels = { team: 'a'.repeat(64) }), 'labels.team'],
    ['reserved label', (s) => (s.labels = { [APP_NAME_LABEL]: 'other' }), `labels.${APP_NAME_LABEL}`],
    ['service port 0', (s) => (s.service.port = 0), 'service.port'],
    ['node port outside the range', (s) => (s.service.nodePort = 8080), 'service.nodePort'],
    ['node port on a ClusterIP Service', (s) => (s.service = { type: 'ClusterIP', port: 80, nodePort: 30080 }), 'service.nodePort'],
    ['min replicas 0', (s) => (s.autoscaling.minReplicas = 0), 'autoscaling.minReplicas'],
    ['max below min', (s) => (s.autoscaling.maxReplicas = 1), 'autoscaling.maxReplicas'],
    ['utilisation 0', (s) => (s.autoscaling.cpuUtilization = 0), 'autoscaling.cpuUtilization'],
    ['utilisation 101', (s) => (s.autoscaling.memoryUtilization = 101), 'autoscaling.memoryUtilization'],
    ['no target at all', (s) => (s.autoscaling = { enabled: true, minReplicas: 1, maxReplicas: 2 }), 'autoscaling.cpuUtilization'],
    ['cpu target without a cpu request', (s) => delete s.resources!.requests!.cpu, 'autoscaling.cpuUtilization'],
    ['host with capitals', (s) => (s.ingress.host = 'Shop.example.com'), 'ingress.host'],
    ['host as an IP address', (s) => (s.ingress.host = '10.0.0.1'), 'ingress.host'],
    ['host with a port', (s) => (s.ingress.host = 'shop.example.com:8080'), 'ingress.host'],
    ['wildcard not in front', (s) => (s.ingress.host = 'shop.*.example.com'), 'ingress.host'],
    ['TLS without a host', (s) => delete s.ingress.host, 'ingress.host'],
    ['relative path', (s) => (s.ingress.path = 'api'), 'ingress.path'],
    ['unknown path type', (s) => (s.ingress.pathType = 'Regex' as never), 'ingress.pathType'],
    ['ingress class with capitals', (s) => (s.ingress.ingressClassName = 'NGINX'), 'ingress.ingressClassName'],
    ['TLS secret with a bad name', (s) => (s.ingress.tlsSecretName = 'shop_tls'), 'ingress.tlsSecretName'],
    ['annotation key with spaces', (s) => (s.ingress.annotations = { 'bad key': 'x' }), 'ingress.annotations.bad key'],
    ['http probe path without a slash', (s) => (s.readinessProbe = { type: 'http', path: 'healthz' }), 'readinessProbe.path'],
    ['probe port 70000', (s) => (s.livenessProbe = { type: 'tcp', port: 70_000 }), 'livenessProbe.port'],
    ['exec probe without a command', (s) => (s.livenessProbe = { type: 'exec', command: [] }), 'livenessProbe.command'],
    ['probe period 0', (s) => (s.readinessProbe!.periodSeconds = 0), 'readinessProbe.periodSeconds'],
    ['negative initial delay', (s) => (s.livenessProbe!.initialDelaySeconds = -1), 'livenessProbe.initialDelaySeconds'],
  ])('refuses %s at its field', (_what, change, field) => {
    expect(fieldsFor(change)).toContain(field);
  });

  it('accepts a wildcard host, an empty label value and an exec probe', () => {
    expect(
      fieldsFor((s) => {
        s.ingress.host = '*.shop.example.com';
        s.labels = { canary: '' };
        s.livenessProbe = { type: 'exec', command: ['cat', '/tmp/healthy'] };
      }),
    ).toEqual([]);
  });

  it('ignores the autoscaler and Ingress fields while they are off', () => {
    expect(
      fieldsFor((s) => {
        s.autoscaling = { enabled: false, minReplicas: 0, maxReplicas: -1 };
        s.ingress = { enabled: false, host: 'NOT A HOST', path: 'x' };
      }),
    ).toEqual([]);
  });

  it('reads quantities like the apiserver', () => {
    expect(parseQuantity('100m')).toBeCloseTo(0.1);
    expect(parseQuantity('128Mi')).toBe(128 * 2 ** 20);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(parseQuantity('.5')).toBe(0.5);
    expect(parseQuantity('1.5.0')).toBeUndefined();
    expect(parseQuantity('-1')).toBeUndefined();
  });
});

describe('app-deploy manifest generation', () => {
  it('generates the four objects, labelled, in apply order', () => {
    const objects = generateAppManifests(valid()) as Array<{ kind: string; apiVersion: string; metadata: { labels: Record<string, string> }; spec: Record<string, Any> }>;
    expect(objects.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual(['apps/v1 Deployment', 'v1 Service', 'autoscaling/v2 HorizontalPodAutoscaler', 'networking.k8s.io/v1 Ingress']);
    for (const o of objects) expect(o.metadata.labels).toMatchObject({ [APP_NAME_LABEL]: 'web', [MANAGED_BY_LABEL]: 'k8s-console', team: 'checkout' });
    const [deployment, service, hpa, ingress] = objects;
    // the HPA owns the replica count while it exists
    expect(deployment!.spec.replicas).toBeUndefined();
    const container = deployment!.spec.template.spec.containers[0];
    expect(container.env).toEqual([
      { name: 'MODE', value: 'prod' },
      { name: 'DB_HOST', valueFrom: { configMapKeyRef: { name: 'db-config', key: 'host' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-secret', key: 'password' } } },
    ]);
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 });
    expect(container.livenessProbe).toEqual({ tcpSocket: { port: 8080 }, initialDelaySeconds: 10 });
    expect(service!.spec).toMatchObject({ type: 'NodePort', selector: { [APP_NAME_LABEL]: 'web' }, ports: [{ port: 80, nodePort: 30080, targetPort: 'http' }] });
    expect(hpa!.spec.metrics).toHaveLength(2);
    expect(ingress!.spec).toMatchObject({ ingressClassName: 'nginx', tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }] });
  });

  it('leaves out the HPA and the Ingress when they are off, and sets replicas', () => {
    const spec = { ...valid(), autoscaling: { enabled: false }, ingress: { enabled: false }, replicas: 3 };
    const objects = generateAppManifests(spec) as Array<{ kind: string; spec: Record<string, unknown> }>;
    expect(objects.map((o) => o.kind)).toEqual(['Deployment', 'Service']);
    expect(objects[0]!.spec.replicas).toBe(3);
  });

  it('parses the generated objects back into the same spec', () => {
    const spec = valid();
    const back = parseAppManifests(generateAppManifests(spec));
    expect(back).toEqual({ ...spec, replicas: 2, readinessProbe: { type: 'http', path: '/healthz', port: 8080, periodSeconds: 5 }, livenessProbe: { type: 'tcp', port: 8080, initialDelaySeconds: 10 } });
  });
});
