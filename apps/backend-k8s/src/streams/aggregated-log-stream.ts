// The logs of every container of every pod matching a selector, merged into one browser socket,
// each line prefixed with `[pod/container] `. Pods are followed as they come and go (a pod watch);
// all upstream log reads share one send gate, so a slow browser pauses every one of them.
import { StreamCloseCode, type AggregatedLogQuery } from '@k8s-console/contracts';
import type WebSocket from 'ws';
import type { ClusterConnection } from '../clusters/credentials.js';
import { openLogSocket } from './log-socket.js';
import { podLogPath, podLogQuery } from './pod-log-stream.js';
import { watchPods, type PodSummary } from './pod-watch.js';
import { SocketSendGate } from './socket-backpressure.js';
import { sendControl } from './stream-control.js';
import type { StreamMetrics } from './stream-metrics.js';
import { upstreamGet, type UpstreamStream } from './upstream-http.js';

/** A line longer than this is cut and sent in pieces, so one runaway line cannot grow memory. */
const MAX_PARTIAL_LINE = 64 * 1024;

export interface AggregatedLogOptions {
  socket: WebSocket;
  cluster: ClusterConnection;
  namespace: string;
  labelSelector: string;
  query: AggregatedLogQuery;
  idleTimeoutMs: number;
  metrics: StreamMetrics;
  onDone?: () => void;
}

interface Source {
  res?: UpstreamStream;
  abort: AbortController;
  restartCount: number;
}

function startedContainers(pod: PodSummary, only?: string): { name: string; restartCount: number }[] {
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses
    .filter((s) => (!only || s.name === only) && s.state && (s.state.running || s.state.terminated))
    .map((s) => ({ name: s.name, restartCount: s.restartCount ?? 0 }));
}

export function streamAggregatedLogs(o: AggregatedLogOptions): { stop(code: number, reason: string): void } {
  const { socket, metrics } = o;
  const gate = new SocketSendGate(socket);
  const sources = new Map<string, Source>();
  let listed = false;
  const stream = openLogSocket({
    socket,
    kind: 'aggregated-log',
    idleTimeoutMs: o.idleTimeoutMs,
    metrics,
    onEnd: () => {
      for (const s of sources.values()) s.abort.abort();
      sources.clear();
    },
    onDone: o.onDone,
  });

  const openSource = (pod: string, container: string, restartCount: number, fromStart: boolean) => {
    const key = `${pod}/${container}`;
    const source: Source = { abort: new AbortController(), restartCount };
    sources.set(key, source);
    sendControl(socket, { type: 'source', event: 'added', pod, container });
    const prefix = `[${key}] `;
    const q = podLogQuery({
      container,
      follow: true,
      timestamps: o.query.timestamps,
      sinceSeconds: o.query.sinceSeconds,
      tailLines: fromStart ? undefined : o.query.tailLines,
    });
    const ended = () => {
      if (sources.get(key) !== source) return;
      // keep the entry (with its restartCount) so only a restart opens the container again
      source.res = undefined;
      if (!stream.ended) sendControl(socket, { type: 'source', event: 'removed', pod, container });
    };
    void (async () => {
      let res: UpstreamStream;
      try {
        res = await upstreamGet(o.cluster, podLogPath(o.namespace, pod), q, { signal: source.abort.signal });
      } catch {
        ended();
        return;
      }
      if (res.statusCode !== 200 || source.abort.signal.aborted) {
        res.destroy();
        ended();
        return;
      }
      source.res = res;
      gate.admit(res);
      let partial = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        stream.touch();
        partial += chunk;
        const lastNl = partial.lastIndexOf('\n');
        let complete = '';
        if (lastNl >= 0) {
          complete = partial.slice(0, lastNl);
          partial = partial.slice(lastNl + 1);
        } else if (partial.length > MAX_PARTIAL_LINE) {
          complete = partial;
          partial = '';
        }
        if (!complete) return;
        const out = Buffer.from(prefix + complete.split('\n').join(`\n${prefix}`) + '\n', 'utf8');
        metrics.bytes.inc({ kind: 'aggregated-log', direction: 'to_client' }, out.length);
        gate.send(out, res);
      });
      res.on('end', () => {
        if (partial) gate.send(Buffer.from(`${prefix}${partial}\n`, 'utf8'));
        gate.forget(res);
        ended();
      });
      res.on('error', () => {
        gate.forget(res);
        ended();
      });
    })();
  };

  const removePod = (pod: string) => {
    for (const [key, s] of sources) {
      if (!key.startsWith(`${pod}/`)) continue;
      s.abort.abort();
      if (s.res) gate.forget(s.res);
      sources.delete(key);
      if (s.res) sendControl(socket, { type: 'source', event: 'removed', pod, container: key.slice(pod.length + 1) });
    }
  };

  const upsertPod = (pod: PodSummary) => {
    if (stream.ended) return;
    const name = pod.metadata.name;
    for (const c of startedContainers(pod, o.query.container)) {
      const existing = sources.get(`${name}/${c.name}`);
      if (existing && (existing.res || existing.restartCount >= c.restartCount)) continue;
      // pods seen in the first list honour tailLines; later ones (and restarts) are read from their start
      openSource(name, c.name, c.restartCount, listed || Boolean(existing));
    }
  };

  watchPods(
    o.cluster,
    o.namespace,
    o.labelSelector,
    {
      upsert: (pod) => {
        upsertPod(pod);
      },
      remove: removePod,
      synced: () => {
        listed = true;
      },
      fail: (message) => {
        sendControl(socket, { type: 'error', code: 'UPSTREAM_BROKEN', message });
        stream.end(StreamCloseCode.UpstreamError, 'pod watch failed');
      },
    },
    stream.signal,
  );
  return { stop: stream.end };
}
