// Follows the pods matching a selector: list, then watch from the list's resourceVersion, re-watch
// when the apiserver ends the watch, relist on 410 Gone. Reports the set of pods as it changes.
import type { ClusterConnection } from '../clusters/credentials.js';
import { readJson, readSmallBody, statusMessage, upstreamGet } from './upstream-http.js';
import { pathSegment } from '../kube/request-info.js';

export interface PodSummary {
  metadata: { name: string; resourceVersion?: string; deletionTimestamp?: string };
  spec?: { containers?: { name: string }[]; initContainers?: { name: string }[] };
  status?: {
    phase?: string;
    containerStatuses?: { name: string; restartCount?: number; state?: Record<string, unknown> }[];
  };
}

/** A watch that ends sooner than this after it started counts as ended at once (see the loop). */
const SHORT_WATCH_MS = 1000;

export interface PodWatchHandlers {
  upsert(pod: PodSummary): void;
  remove(name: string): void;
  /** after each complete list (the first one: every pod that existed at the start was reported) */
  synced?(): void;
  fail(message: string): void;
}

export function watchPods(
  cluster: ClusterConnection,
  namespace: string,
  labelSelector: string,
  handlers: PodWatchHandlers,
  signal: AbortSignal,
): void {
  const path = `/api/v1/namespaces/${pathSegment(namespace)}/pods`;
  const known = new Set<string>();
  let resourceVersion = '';
  let failures = 0;

  const list = async () => {
    const res = await upstreamGet(cluster, path, new URLSearchParams({ labelSelector }), { signal });
    if (res.statusCode !== 200) {
      const body = await readSmallBody(res).catch(() => '');
      throw new Error(statusMessage(body, `listing pods failed: ${res.statusCode}`));
    }
    const body = await readJson<{ metadata?: { resourceVersion?: string }; items?: PodSummary[] }>(res);
    resourceVersion = body.metadata?.resourceVersion ?? '';
    const seen = new Set<string>();
    for (const pod of body.items ?? []) {
      seen.add(pod.metadata.name);
      known.add(pod.metadata.name);
      handlers.upsert(pod);
    }
    for (const name of [...known]) {
      if (!seen.has(name)) {
        known.delete(name);
        handlers.remove(name);
      }
    }
    handlers.synced?.();
  };

  /** Resolves true when the watch ended normally, false when a relist is needed (410). */
  const watch = async (): Promise<boolean> => {
    const q = new URLSearchParams({ labelSelector, watch: 'true', allowWatchBookmarks: 'true' });
    if (resourceVersion) q.set('resourceVersion', resourceVersion);
    const res = await upstreamGet(cluster, path, q, { signal });
    if (res.statusCode === 410) {
      res.resume();
      return false;
    }
    if (res.statusCode !== 200) {
      const body = await readSmallBody(res).catch(() => '');
      throw new Error(statusMessage(body, `watching pods failed: ${res.statusCode}`));
    }
    let buffered = '';
    let gone = false;
    res.setEncoding('utf8');
    for await (const chunk of res as AsyncIterable<string>) {
      failures = 0;
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        const event = JSON.parse(line) as { type: string; object: PodSummary & { code?: number } };
        if (event.type === 'ERROR') {
          gone = event.object.code === 410;
          if (!gone) throw new Error(`pod watch error: ${JSON.stringify(event.object).slice(0, 300)}`);
          continue;
        }
        if (event.object.metadata?.resourceVersion) resourceVersion = event.object.metadata.resourceVersion;
        if (event.type === 'BOOKMARK') continue;
        const name = event.object.metadata.name;
        if (event.type === 'DELETED') {
          known.delete(name);
          handlers.remove(name);
        } else {
          known.add(name);
          handlers.upsert(event.object);
        }
      }
    }
    return !gone;
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });

  void (async () => {
    let needList = true;
    // watches (or list+watch rounds after 410) that end within a second of starting, in a row: an
    // apiserver or proxy that ends every watch at once is not asked again in a tight loop
    let shortWatches = 0;
    while (!signal.aborted) {
      try {
        const started = Date.now();
        if (needList) await list();
        needList = !(await watch());
        shortWatches = Date.now() - started < SHORT_WATCH_MS ? shortWatches + 1 : 0;
        if (shortWatches > 0) await sleep(Math.min(100 * 2 ** shortWatches, 5000));
      } catch (err) {
        if (signal.aborted) return;
        failures += 1;
        if (failures >= 5) {
          handlers.fail(`following the pods failed: ${(err as Error).message}`);
          return;
        }
        needList = true;
        await sleep(Math.min(200 * 2 ** failures, 5000));
      }
    }
  })();
}
