import http from 'node:http';
import { startBackendProcess, startSimProcess } from './console-under-test.js';
const sim = await startSimProcess('scale:1000');
const backend = await startBackendProcess(sim);
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const base = `${backend.url}/api/v1/clusters/${backend.clusterId}/k8s`;
const names = await fetch(`${base}/api/v1/pods?limit=50`, { headers: { authorization: `Bearer ${backend.token}` } }).then((r) => r.json() as Promise<{ items: { metadata: { name: string; namespace: string } }[] }>);
const paths = names.items.map((p) => `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`);
function get(path: string): Promise<number> {
  const s = performance.now();
  return new Promise((res, rej) => { const r = http.get(base + path, { agent, headers: { accept: 'application/json', authorization: `Bearer ${backend.token}` } }, (m) => { m.resume(); m.on('end', () => res(performance.now() - s)); }); r.on('error', rej); });
}
const n = Number(process.env.N ?? 20000);
const t = performance.now(); const s: number[] = [];
for (let i = 0; i < n; i++) s.push(await get(paths[i % 50]!));
s.sort((a, b) => a - b);
console.log('median', s[s.length >> 1]!.toFixed(3), 'total', ((performance.now() - t) / n).toFixed(3));
await backend.stop(); await sim.stop();
