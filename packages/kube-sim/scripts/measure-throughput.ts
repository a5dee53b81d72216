// Measures kube-sim's own throughput so benchmarks know it is not their bottleneck:
// full LIST of N pods (JSON and Table) over HTTPS, a paged LIST, and watch events per second.
// The client runs in the same process, so its TLS and reading costs are included.
// Usage: pnpm exec tsx packages/kube-sim/scripts/measure-throughput.ts [pods=10000]
import { request } from 'node:https';
import { startApiServer, type KubeSim } from '../src/index.js';

const pods = Number(process.argv[2] ?? 10000);

function get(sim: KubeSim, path: string, accept = 'application/json'): Promise<{ bytes: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, sim.url), { ca: sim.caPem, headers: { Authorization: `Bearer ${sim.token}`, Accept: accept } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ bytes, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

function seed(sim: KubeSim, count: number): void {
  const namespaces = Math.max(1, Math.ceil(count / 100));
  for (let n = 0; n < namespaces; n++) sim.store.create('namespaces', { metadata: { name: `ns-${n}` } });
  for (let i = 0; i < count; i++) {
    sim.store.create('pods', {
      metadata: { name: `pod-${i}`, namespace: `ns-${i % namespaces}`, labels: { app: `app-${i % 50}`, tier: i % 2 ? 'web' : 'db' } },
      spec: { nodeName: `node-${i % 20}`, containers: [{ name: 'app', image: 'registry.example.com/app:1.2.3', ports: [{ containerPort: 8080 }], env: [{ name: 'MODE', value: 'prod' }] }] },
      status: { phase: 'Running', podIP: `10.244.${(i >> 8) & 255}.${i & 255}`, containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: new Date().toISOString() } } }] },
    });
  }
}

/** Events per second delivered in total to `watchers` watchers of one namespace's configmaps. */
async function watchRate(sim: KubeSim, events: number, watchers: number): Promise<number> {
  const name = `counter-${watchers}`;
  sim.store.create('configmaps', { metadata: { name, namespace: 'ns-0' }, data: { n: '0' } });
  const path = `/api/v1/namespaces/ns-0/configmaps?watch=1&resourceVersion=${sim.store.resourceVersion}&fieldSelector=metadata.name%3D${name}`;
  const finished: Promise<void>[] = [];
  const requests = [];
  for (let w = 0; w < watchers; w++) {
    let seen = 0;
    let done!: () => void;
    finished.push(new Promise<void>((r) => (done = r)));
    const req = request(new URL(path, sim.url), { ca: sim.caPem, headers: { Authorization: `Bearer ${sim.token}` } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        for (const ch of chunk) if (ch === '\n') seen++;
        if (seen >= events) done();
      });
    });
    req.end();
    requests.push(req);
  }
  while (sim.store.watcherCount('configmaps') < watchers) await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  for (let i = 1; i <= events; i++) {
    sim.store.mutate('configmaps', 'ns-0', name, (o) => (o.data = { n: String(i) }));
    if (i % 200 === 0) await new Promise((r) => setImmediate(r));
  }
  await Promise.all(finished);
  const ms = performance.now() - t0;
  for (const req of requests) req.destroy();
  return ((events * watchers) / ms) * 1000;
}

const sim = await startApiServer({ watchWindow: 1000 });
const t0 = performance.now();
seed(sim, pods);
console.log(`seeded ${pods} pods in ${(performance.now() - t0).toFixed(0)} ms`);
await get(sim, '/api/v1/pods'); // warm-up
for (const [label, path, accept] of [
  ['LIST all pods (JSON)', '/api/v1/pods', 'application/json'],
  ['LIST all pods (Table)', '/api/v1/pods', 'application/json;as=Table;v=v1;g=meta.k8s.io'],
  ['LIST pods, limit=500 (first page)', '/api/v1/pods?limit=500', 'application/json'],
  ['LIST one namespace', '/api/v1/namespaces/ns-1/pods', 'application/json'],
  ['LIST by label selector', '/api/v1/pods?labelSelector=app%3Dapp-7', 'application/json'],
] as const) {
  // best of three: the machine may be busy with other work
  const runs = [await get(sim, path, accept), await get(sim, path, accept), await get(sim, path, accept)];
  const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
  console.log(`${label}: ${best.ms.toFixed(0)} ms, ${(best.bytes / 1e6).toFixed(1)} MB`);
}
console.log(`watch: ${(await watchRate(sim, 20000, 1)).toFixed(0)} events/s delivered to one watcher`);
console.log(`watch: ${(await watchRate(sim, 2000, 50)).toFixed(0)} events/s delivered in total to 50 watchers`);
console.log(`heap used: ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
await sim.stop();
