// The watch hub: time for one change to reach 1000 browser subscriptions (vs a single watch on
// kube-sim directly), how many upstream watches serve them, the backend's memory with them, and
// the hub cache's memory per object in 'rows' and 'objects' mode (vs whole parsed objects, what
// an informer keeps). Targets (issue 4): one upstream watch; every subscriber within 200 ms.
import https from 'node:https';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { WATCH_PROTOCOL } from '../packages/contracts/src/watch.js';
import { tokenProtocol } from '../apps/backend-k8s/src/auth/websocket-token.js';
import { KubeAccess } from '../apps/backend-k8s/src/kube/kube-access.js';
import { UpstreamWatch } from '../apps/backend-k8s/src/kube/watch/upstream-watch.js';
import { mb, ms, ratio, summarize, type BenchRow } from './bench-row.js';
import { rssBytes, startBackendProcess, startSimProcess, type Sim } from './console-under-test.js';

const PODS = 10_000;
const BIG_PODS = 100_000;
const SUBSCRIBERS = 1000;
const EVENTS = 10;
const NAMESPACE = 'fanout';

function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function simRequest(sim: Sim, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, sim.url), {
      method,
      ca: sim.caPem,
      headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json', accept: 'application/json' },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Bytes of heap per cached object, for the hub's cache and for whole parsed objects. */
async function cacheMemory(sim: Sim): Promise<BenchRow[]> {
  const kube = new KubeAccess({
    get: async () => ({ id: 'bench', name: 'bench', version: 1, credentials: { server: sim.url, caPem: sim.caPem, token: sim.token } }),
  });
  const perObject: Record<string, number> = {};
  for (const mode of ['rows', 'objects'] as const) {
    const before = heapUsed();
    const upstream = new UpstreamWatch(kube, { cluster: 'bench', group: '', version: 'v1', resource: 'pods', mode });
    const synced = new Promise<void>((resolve) => upstream.addListener({ synced: resolve, event() {}, error() {} }));
    upstream.start();
    await synced;
    perObject[mode] = (heapUsed() - before) / upstream.size;
    upstream.stop();
  }
  // Reference: the same pods kept as parsed objects (as client-node's informer caches them).
  const before = heapUsed();
  const items: unknown[] = [];
  let cont = '';
  do {
    const page = JSON.parse((await simRequest(sim, 'GET', `/api/v1/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).text) as {
      items: unknown[];
      metadata: { continue?: string };
    };
    items.push(...page.items);
    cont = page.metadata.continue ?? '';
  } while (cont);
  const whole = (heapUsed() - before) / items.length;
  kube.close();
  const kb = (b: number) => `${(b / 1024).toFixed(2)} KB`;
  return [
    { name: `hub cache per pod, rows (${PODS} pods)`, value: kb(perObject.rows!), reference: `whole objects ${kb(whole)}`, ratio: ratio(perObject.rows!, whole) },
    { name: `hub cache per pod, objects (${PODS} pods)`, value: kb(perObject.objects!), reference: `whole objects ${kb(whole)}`, ratio: ratio(perObject.objects!, whole) },
  ];
}

interface Subscriber {
  ws: WebSocket;
  synced: Promise<void>;
  arrivals: Map<string, number>;
}

function subscribe(wsUrl: string, token: string, clusterId: string): Subscriber {
  const ws = new WebSocket(`${wsUrl}/api/v1/ws`, [WATCH_PROTOCOL, tokenProtocol(token)]);
  const arrivals = new Map<string, number>();
  let markSynced: () => void = () => undefined;
  const synced = new Promise<void>((resolve) => (markSynced = resolve));
  ws.on('open', () =>
    ws.send(JSON.stringify({ type: 'subscribe', id: 'cm', cluster: clusterId, group: '', version: 'v1', resource: 'configmaps', namespace: NAMESPACE, mode: 'rows' })),
  );
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    if (text.startsWith('{"type":"event"')) {
      const name = /"name":"([^"]+)"/.exec(text)?.[1];
      if (name) arrivals.set(name, performance.now());
    } else if (text.includes('"complete":true')) markSynced();
  });
  return { ws, synced, arrivals };
}

async function fanOut(sim: Sim): Promise<BenchRow[]> {
  await simRequest(sim, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  const backend = await startBackendProcess(sim);
  try {
    const wsUrl = backend.url.replace('http', 'ws');
    await new Promise((r) => setTimeout(r, 1000));
    const rssBefore = rssBytes(backend.pid);
    const subscribers: Subscriber[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      subscribers.push(subscribe(wsUrl, backend.token, backend.clusterId));
      if (i % 100 === 99) await Promise.all(subscribers.slice(-100).map((s) => s.synced));
    }
    await Promise.all(subscribers.map((s) => s.synced));
    const metrics = await (await fetch(`${backend.url}/metrics`)).text();
    const upstreams = Number(/^k8s_console_watch_upstreams (\d+)/m.exec(metrics)?.[1] ?? NaN);
    await new Promise((r) => setTimeout(r, 500));
    const rssWith = rssBytes(backend.pid);

    // Reference: one watch straight on kube-sim.
    const list = JSON.parse((await simRequest(sim, 'GET', `/api/v1/namespaces/${NAMESPACE}/configmaps`)).text) as { metadata: { resourceVersion: string } };
    const direct = new Map<string, number>();
    const watchReq = https.get(new URL(`/api/v1/namespaces/${NAMESPACE}/configmaps?watch=1&resourceVersion=${list.metadata.resourceVersion}`, sim.url), {
      ca: sim.caPem,
      headers: { authorization: `Bearer ${sim.token}` },
    });
    watchReq.on('response', (res) =>
      res.on('data', (c: Buffer) => {
        for (const m of c.toString().matchAll(/"name":"(ev-\d+)"/g)) if (!direct.has(m[1]!)) direct.set(m[1]!, performance.now());
      }),
    );
    await new Promise((r) => setTimeout(r, 300));

    const worst: number[] = [];
    const median: number[] = [];
    const directTimes: number[] = [];
    for (let e = 0; e < EVENTS; e++) {
      const name = `ev-${e}`;
      const t0 = performance.now();
      await simRequest(sim, 'POST', `/api/v1/namespaces/${NAMESPACE}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { e: String(e) } });
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && (!direct.has(name) || subscribers.some((s) => !s.arrivals.has(name)))) await new Promise((r) => setTimeout(r, 2));
      const times = subscribers.map((s) => (s.arrivals.get(name) ?? Infinity) - t0).sort((a, b) => a - b);
      worst.push(times[times.length - 1]!);
      median.push(times[Math.floor(times.length / 2)]!);
      directTimes.push((direct.get(name) ?? Infinity) - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
    watchReq.destroy();
    for (const s of subscribers) s.ws.terminate();
    const w = summarize(worst);
    const m = summarize(median);
    const d = summarize(directTimes);
    return [
      { name: `event to all ${SUBSCRIBERS} subscribers (last one), median of ${EVENTS}`, value: ms(w.median), reference: `direct watch ${ms(d.median)}`, ratio: ratio(w.median, d.median), target: '<= 200 ms' },
      { name: `event to all ${SUBSCRIBERS} subscribers (last one), worst`, value: ms(w.p99), reference: `direct watch ${ms(d.p99)}`, ratio: ratio(w.p99, d.p99), target: '<= 200 ms' },
      { name: `event to the median subscriber`, value: ms(m.median), reference: `direct watch ${ms(d.median)}`, ratio: ratio(m.median, d.median) },
      { name: `upstream watches for ${SUBSCRIBERS} subscribers`, value: String(upstreams), reference: `${SUBSCRIBERS} subscribers`, ratio: `1:${Math.round(SUBSCRIBERS / upstreams)}`, target: '1' },
      {
        name: `backend RSS with ${SUBSCRIBERS} subscribers`,
        value: mb(rssWith),
        reference: `idle ${mb(rssBefore)}`,
        ratio: ratio(rssWith, rssBefore),
        target: `${((rssWith - rssBefore) / SUBSCRIBERS / 1024).toFixed(1)} KB/subscriber`,
      },
    ];
  } finally {
    await backend.stop();
  }
}

/** Paged Table list straight from kube-sim: what the hub does before its first snapshot. */
async function directTableList(sim: Sim): Promise<{ first: number; all: number; rows: number }> {
  const t0 = performance.now();
  let first = 0;
  let rows = 0;
  let cont = '';
  do {
    const text = await new Promise<string>((resolve, reject) => {
      https
        .get(new URL(`/api/v1/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`, sim.url), {
          ca: sim.caPem,
          headers: { authorization: `Bearer ${sim.token}`, accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
        }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    const page = JSON.parse(text) as { rows: unknown[]; metadata: { continue?: string } };
    if (!first) first = performance.now() - t0;
    rows += page.rows.length;
    cont = page.metadata.continue ?? '';
  } while (cont);
  return { first, all: performance.now() - t0, rows };
}

/** One browser subscribing to every pod of a 100000-pod cluster in rows mode. */
async function bigSnapshot(): Promise<BenchRow[]> {
  const sim = await startSimProcess(`scale:${BIG_PODS}`);
  try {
    const backend = await startBackendProcess(sim);
    try {
      const direct = await directTableList(sim);
      const rssBefore = rssBytes(backend.pid);
      const ws = new WebSocket(`${backend.url.replace('http', 'ws')}/api/v1/ws`, [WATCH_PROTOCOL, tokenProtocol(backend.token)]);
      await new Promise((resolve) => ws.once('open', resolve));
      const t0 = performance.now();
      let first = 0;
      let rows = 0;
      let bytes = 0;
      const done = new Promise<number>((resolve) =>
        ws.on('message', (data: Buffer) => {
          bytes += data.length;
          const msg = JSON.parse(data.toString()) as { type: string; rows?: unknown[]; complete?: boolean };
          if (msg.type !== 'snapshot') return;
          if (!first) first = performance.now() - t0;
          rows += msg.rows?.length ?? 0;
          if (msg.complete) resolve(performance.now() - t0);
        }),
      );
      ws.send(JSON.stringify({ type: 'subscribe', id: 'all', cluster: backend.clusterId, group: '', version: 'v1', resource: 'pods', mode: 'rows' }));
      const all = await done;
      const rssWith = rssBytes(backend.pid);
      ws.terminate();
      return [
        { name: `rows snapshot of ${rows} pods, first chunk`, value: ms(first), reference: `direct Table list, first page ${ms(direct.first)}`, ratio: ratio(first, direct.first), target: 'first rows < 1.5 s' },
        { name: `rows snapshot of ${rows} pods, complete`, value: ms(all), reference: `direct Table list ${ms(direct.all)}`, ratio: ratio(all, direct.all) },
        { name: `rows snapshot of ${BIG_PODS} pods, bytes to browser`, value: mb(bytes), reference: `${direct.rows} rows`, ratio: `${(bytes / Math.max(rows, 1)).toFixed(0)} B/row` },
        { name: `backend RSS with ${BIG_PODS} pods cached as rows`, value: mb(rssWith), reference: `before ${mb(rssBefore)}`, ratio: ratio(rssWith, rssBefore) },
      ];
    } finally {
      await backend.stop();
    }
  } finally {
    await sim.stop();
  }
}

export async function runWatchHubBenchmarks(): Promise<BenchRow[]> {
  const sim = await startSimProcess(`scale:${PODS}`);
  const rows: BenchRow[] = [];
  try {
    rows.push(...(await fanOut(sim)), ...(await cacheMemory(sim)));
  } finally {
    await sim.stop();
  }
  rows.push(...(await bigSnapshot()));
  return rows;
}
