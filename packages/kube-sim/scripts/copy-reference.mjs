// Copies the parts of a real v1.28 apiserver's answers that kube-sim serves (from shared/k8s-reference
// beside the repository, or the directory given)
// into src/reference/, trimmed to the resources kube-sim implements. Run by hand when the reference changes.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const from = process.argv[2] ?? fileURLToPath(new URL('../../../../shared/k8s-reference', import.meta.url));
const to = new URL('../src/reference/', import.meta.url);
const served = {
  '': ['namespaces', 'nodes', 'pods', 'services', 'endpoints', 'configmaps', 'secrets', 'serviceaccounts', 'events',
    'persistentvolumes', 'persistentvolumeclaims', 'limitranges', 'resourcequotas', 'podtemplates', 'replicationcontrollers'],
  apps: ['deployments', 'replicasets', 'statefulsets', 'daemonsets', 'controllerrevisions'],
  batch: ['jobs', 'cronjobs'],
  autoscaling: ['horizontalpodautoscalers'],
  policy: ['poddisruptionbudgets'],
  'discovery.k8s.io': ['endpointslices'],
  'networking.k8s.io': ['ingresses', 'ingressclasses', 'networkpolicies'],
  'rbac.authorization.k8s.io': ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'],
  'storage.k8s.io': ['storageclasses'],
  'apiextensions.k8s.io': ['customresourcedefinitions'],
  'coordination.k8s.io': ['leases'],
  'scheduling.k8s.io': ['priorityclasses'],
};
const read = (f) => JSON.parse(readFileSync(`${from}/${f}`, 'utf8')).body;
const groups = [...read('discovery-aggregated-api.json').items, ...read('discovery-aggregated-apis.json').items];
const out = [];
for (const g of groups) {
  const name = g.metadata.name ?? '';
  const keep = served[name];
  if (!keep) continue;
  // autoscaling/v1 is served by converting the stored autoscaling/v2 objects (src/resources/version-conversion.ts)
  const versions = g.versions
    .map((v) => ({ ...v, resources: v.resources.filter((r) => keep.includes(r.resource)) }))
    .filter((v) => v.resources.length > 0);
  if (versions.length) out.push({ group: name, versions });
}
writeFileSync(new URL('builtin-discovery.json', to), JSON.stringify(out, null, 1) + '\n');
const columns = JSON.parse(readFileSync(`${from}/table-columns.json`, 'utf8'));

writeFileSync(new URL('table-columns.json', to), JSON.stringify(columns, null, 1) + '\n');
writeFileSync(new URL('version.json', to), JSON.stringify(read('discovery-version.json'), null, 1) + '\n');

// The plain discovery answers (APIResourceList per group-version) are test fixtures: the tests
// compare kube-sim's answers with them for every served resource.
const fixtures = new URL('../test/core/fixtures/', import.meta.url);
mkdirSync(fixtures, { recursive: true });
for (const file of readdirSync(from).filter((f) => /^discovery-(api-v1|[a-z0-9-]+-v\d+)\.json$/.test(f) && !f.startsWith('discovery-aggregated'))) {
  const { path, body } = JSON.parse(readFileSync(`${from}/${file}`, 'utf8'));
  writeFileSync(new URL(file, fixtures), JSON.stringify({ path, body }, null, 1) + '\n');
}
