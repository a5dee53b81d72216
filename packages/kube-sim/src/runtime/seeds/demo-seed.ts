// `demo`: a small cluster that looks lived-in. Three Ready nodes; namespaces shop, monitoring
// and kube-system with real-looking workloads (created as controllers' objects, so the
// controllers bring up their pods), a crash-looping worker, a pod too big for any node, config
// and secrets, an Ingress, an HPA, a PDB, RBAC, a NetworkPolicy and a CRD with instances.
import type { K8sObject } from '../../store/k8s-object.js';
import { R, type RuntimeStore } from '../runtime-store.js';
import { nowIso } from '../object-helpers.js';
import { BEHAVIOR } from '../sim-annotations.js';
import { nodeObject } from './seed-nodes.js';
import { EventRecorder } from '../event-recorder.js';
import { generateServingCertificate } from '../../tls/self-signed-certificate.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function deployment(ns: string, name: string, replicas: number, image: string, o: { port?: number; cpu?: string; memory?: string; annotations?: Record<string, string>; env?: K8sObject[]; labels?: Record<string, string> } = {}): K8sObject {
  const labels = { app: name, ...(o.labels ?? {}) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels, ...(o.annotations ? { annotations: o.annotations } : {}) },
        spec: {
          containers: [{
            name,
            image,
            ...(o.port ? { ports: [{ name: 'http', containerPort: o.port, protocol: 'TCP' }] } : {}),
            ...(o.env ? { env: o.env } : {}),
            resources: { requests: { cpu: o.cpu ?? '100m', memory: o.memory ?? '128Mi' }, limits: { memory: o.memory ?? '128Mi' } },
          }],
        },
      },
    },
  };
}

function service(ns: string, name: string, port: number, targetPort: number | string, extra: K8sObject = {}): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: { selector: { app: name }, ports: [{ name: 'http', port, targetPort, protocol: 'TCP' }], type: 'ClusterIP', ...extra },
  };
}

const createIfMissing = (store: RuntimeStore, resource: string, obj: K8sObject) => {
  if (!store.get(resource, obj.metadata?.namespace, obj.metadata?.name ?? '')) store.create(resource, obj);
};

export function seedDemo(store: RuntimeStore): void {
  const events = new EventRecorder(store);
  ['worker-1', 'worker-2', 'worker-3'].forEach((n, i) => {
    const node = store.create(R.nodes, nodeObject(`sim-${n}`, i + 1));
    const name = `sim-${n}`;
    const kubelet = { component: 'kubelet', host: name };
    events.record(node, 'Normal', 'Starting', 'Starting kubelet.', kubelet);
    events.record(node, 'Normal', 'NodeHasSufficientMemory', `Node ${name} status is now: NodeHasSufficientMemory`, kubelet);
    events.record(node, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`, kubelet);
    events.record(node, 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`, { component: 'node-controller' });
  });
  for (const ns of ['default', 'kube-system', 'shop', 'monitoring']) {
    createIfMissing(store, R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } } });
    createIfMissing(store, R.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
  }
  createIfMissing(store, R.services, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }], type: 'ClusterIP' },
  });
  store.create(R.storageClasses, {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer',
  });
  store.create(R.ingressClasses, {
    apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass',
    metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
    spec: { controller: 'k8s.io/ingress-nginx' },
  });

  // kube-system
  store.create(R.deployments, deployment('kube-system', 'coredns', 2, 'registry.k8s.io/coredns/coredns:v1.11.3', { port: 53, cpu: '100m', memory: '70Mi', labels: { 'k8s-app': 'kube-dns' } }));
  store.create(R.services, { ...service('kube-system', 'kube-dns', 53, 53, { clusterIP: '10.96.0.10' }), spec: { selector: { app: 'coredns' }, clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' }] } });
  store.create(R.daemonSets, daemonSet('kube-system', 'kube-proxy', 'registry.k8s.io/kube-proxy:v1.32.0'));

  // shop
  store.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop-config', namespace: 'shop' }, data: { LOG_LEVEL: 'info', FEATURE_FLAGS: 'new-checkout,recommendations', 'nginx.conf': 'server {\n  listen 80;\n  location /api/ { proxy_pass http://api:8080; }\n}\n' } });
  store.create(R.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-db', namespace: 'shop' }, type: 'Opaque', data: { DATABASE_URL: b64('postgres://shop:s3cr3t-demo@postgres.shop:5432/shop'), DB_PASSWORD: b64('s3cr3t-demo') } });
  // A real certificate and key, made at seed time so no private key lives in the repository. The
  // generation is asynchronous; the secret appears a few milliseconds after the rest of the seed.
  void generateServingCertificate(['shop.example.com']).then(({ certPem, keyPem }) => {
    store.create(R.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-tls', namespace: 'shop' }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64(certPem), 'tls.key': b64(keyPem) } });
  }).catch((err: Error) => {
    // e.g. the shop namespace was deleted before the key was ready: the demo simply has no shop-tls.
    process.stderr.write(`kube-sim: demo seed could not create shop/shop-tls: ${err.message}\n`);
  });
  store.create(R.deployments, deployment('shop', 'frontend', 3, 'nginx:1.27-alpine', { port: 80, cpu: '100m', memory: '64Mi', labels: { tier: 'frontend' } }));
  store.create(R.services, service('shop', 'frontend', 80, 'http'));
  store.create(R.deployments, deployment('shop', 'api', 2, 'ghcr.io/example/shop-api:1.4.2', {
    port: 8080, cpu: '250m', memory: '256Mi', labels: { tier: 'backend' },
    env: [
      { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'shop-config', key: 'LOG_LEVEL' } } },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'shop-db', key: 'DATABASE_URL' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ],
  }));
  store.create(R.services, service('shop', 'api', 8080, 8080));
  store.create(R.deployments, deployment('shop', 'payment-worker', 1, 'ghcr.io/example/payment-worker:0.9.1', { cpu: '50m', memory: '64Mi', annotations: { [BEHAVIOR]: 'crash-loop' }, labels: { tier: 'backend' } }));
  store.create(R.statefulSets, {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'redis', namespace: 'shop', labels: { app: 'redis' } },
    spec: {
      replicas: 2, serviceName: 'redis', selector: { matchLabels: { app: 'redis' } },
      template: { metadata: { labels: { app: 'redis' } }, spec: { containers: [{ name: 'redis', image: 'redis:7.4-alpine', ports: [{ name: 'redis', containerPort: 6379 }], resources: { requests: { cpu: '100m', memory: '128Mi' } }, volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  });
  store.create(R.services, { ...service('shop', 'redis', 6379, 6379), spec: { selector: { app: 'redis' }, clusterIP: 'None', ports: [{ name: 'redis', port: 6379, targetPort: 6379 }] } });
  store.create(R.ingresses, {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'shop', namespace: 'shop' },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      rules: [{ host: 'shop.example.com', http: { paths: [
        { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8080 } } } },
        { path: '/', pathType: 'Prefix', backend: { service: { name: 'frontend', port: { number: 80 } } } },
      ] } }],
    },
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } },
  });
  store.create(R.hpas, {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'frontend', namespace: 'shop' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'frontend' }, minReplicas: 3, maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
    status: {
      currentReplicas: 3, desiredReplicas: 3,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 42, averageValue: '42m' } } }],
      conditions: [
        { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size', lastTransitionTime: nowIso() },
        { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)', lastTransitionTime: nowIso() },
      ],
    },
  });
  store.create(R.pdbs, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'frontend', namespace: 'shop' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'frontend' } } } });
  store.create(R.cronJobs, {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly-report', namespace: 'shop' },
    spec: {
      schedule: '*/5 * * * *', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
      jobTemplate: { spec: { backoffLimit: 2, template: { metadata: { labels: { app: 'nightly-report' } }, spec: { restartPolicy: 'OnFailure', containers: [{ name: 'report', image: 'ghcr.io/example/report-builder:2.1.0', args: ['--since=24h'] }] } } } },
    },
  });
  store.create(R.pods, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ml-trainer', namespace: 'shop', labels: { app: 'ml-trainer' } },
    spec: { containers: [{ name: 'trainer', image: 'ghcr.io/example/ml-trainer:3.0.0', resources: { requests: { cpu: '64', memory: '512Gi' } } }] },
    status: { phase: 'Pending' },
  });
  store.create(R.networkPolicies, {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'api-allow-frontend', namespace: 'shop' },
    spec: { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }] },
  });
  store.create('roles.rbac.authorization.k8s.io', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'shop-developer', namespace: 'shop' }, rules: [{ apiGroups: ['', 'apps'], resources: ['pods', 'pods/log', 'deployments'], verbs: ['get', 'list', 'watch'] }] });
  store.create('rolebindings.rbac.authorization.k8s.io', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'shop-developers', namespace: 'shop' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'shop-developer' }, subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'developers' }] });
  store.create('clusterroles.rbac.authorization.k8s.io', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'monitoring-reader' }, rules: [{ apiGroups: [''], resources: ['nodes', 'pods', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] }] });
  store.create('clusterrolebindings.rbac.authorization.k8s.io', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'monitoring-reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'monitoring-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }] });

  // monitoring
  store.create(R.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'prometheus', namespace: 'monitoring' } });
  store.create(R.daemonSets, daemonSet('monitoring', 'node-exporter', 'quay.io/prometheus/node-exporter:v1.8.2', 9100));
  store.create(R.deployments, deployment('monitoring', 'prometheus', 1, 'quay.io/prometheus/prometheus:v2.53.0', { port: 9090, cpu: '200m', memory: '512Mi' }));
  store.create(R.services, service('monitoring', 'prometheus', 9090, 9090));
  store.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'prometheus-config', namespace: 'monitoring' }, data: { 'prometheus.yml': 'global:\n  scrape_interval: 30s\nscrape_configs:\n  - job_name: node-exporter\n    kubernetes_sd_configs:\n      - role: endpoints\n' } });

  // a CRD with a few instances
  store.create(R.crds, {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'backups.ops.example.com' },
    spec: {
      group: 'ops.example.com', scope: 'Namespaced',
      names: { plural: 'backups', singular: 'backup', kind: 'Backup', listKind: 'BackupList', shortNames: ['bk'] },
      versions: [{
        name: 'v1', served: true, storage: true, subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        additionalPrinterColumns: [
          { name: 'Target', type: 'string', jsonPath: '.spec.target' },
          { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
      }],
    },
  });
  const backups: [string, string, string, string][] = [['redis-hourly', 'statefulset/redis', '0 * * * *', 'Succeeded'], ['db-nightly', 'postgres.shop', '0 2 * * *', 'Succeeded'], ['config-weekly', 'configmap/shop-config', '0 3 * * 0', 'Failed']];
  for (const [name, target, schedule, phase] of backups) {
    store.create('backups.ops.example.com', { apiVersion: 'ops.example.com/v1', kind: 'Backup', metadata: { name, namespace: 'shop' }, spec: { target, schedule, retention: '7d' }, status: { phase, lastRun: nowIso() } });
  }
}

function daemonSet(ns: string, name: string, image: string, port?: number): K8sObject {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      selector: { matchLabels: { app: name } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image, ...(port ? { ports: [{ name: 'metrics', containerPort: port }] } : {}), resources: { requests: { cpu: '50m', memory: '50Mi' } } }] } },
    },
  };
}
