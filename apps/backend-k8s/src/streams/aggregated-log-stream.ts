// The logs of every container of every pod matching a selector, merged into one browser socket,
// each line prefixed with `[pod/container] `. Pods are followed as they come and go (a pod watch);
// all upstream log reads share one send gate, so a slow browser pauses every one of them.
import { StreamCloseCode, type AggregatedLogQuery } from '@k8s-console/contracts';
import type WebSocket from 'ws';
import type { ClusterConnection } from '../clusters/credentials.js';
import { openLogSocket } from './log-socket.js';
import { podLogPath, podLogQuery } from './pod-log-stream.js';
import { watchPods, type PodSummary } from './pod-watch.js';
import { SocketSendGate, type Pausable } from './socket-backpressure.js';
import { sendControl } from './stream-control.js';
import type { StreamMetrics } from './stream-metrics.js';
import { upstreamGet, type UpstreamStream } from './upstream-http.js';

/** A line longer than this is cut and sent in pieces, so one runaway line cannot grow memory. */
const MAX_PARTIAL_LINE = 64 * 1024;
/**
 * The most prefixed bytes sent in one frame. A chunk of short lines grows by a prefix per line
 * (64 KiB of empty lines would be ~20 MB): it goes out frame by frame, each through the send
 * gate, so a slow browser pauses the expansion as well as the upstream.
 */
const FRAME_BYTES = 64 * 1024;

/** Log text split into lines, each given the source's prefix when it is taken out. */
export class PrefixedLines {
  private complete = '';
  private partial = '';

  constructor(private readonly prefix: string) {}

  push(chunk: string): void {
    this.partial += chunk;
    const lastNl = this.partial.lastIndexOf('\n');
    if (lastNl >= 0) {
      this.complete += this.partial.slice(0, lastNl + 1);
      this.partial = this.partial.slice(lastNl + 1);
    } else if (this.partial.length > MAX_PARTIAL_LINE) {
      this.complete += `${this.partial}\n`;
      this.partial = '';
    }
  }

  get empty(): boolean {
    return this.complete === '';
  }

  /** Prefixed complete lines, about `maxBytes` of them (at least one line); null when none wait. */
  nextFrame(maxBytes: number): Buffer | null {
    if (!this.complete) return null;
    let end = 0;
    let size = 0;
    while (end < this.complete.length) {
      const nl = this.complete.indexOf('\n', end);
      const next = nl + 1;
      size += this.prefix.length + (next - end);
      end = next;
      if (size >= maxBytes) break;
    }
    const taken = this.complete.slice(0, end);
    this.complete = this.complete.slice(end);
    return Buffer.from(this.prefix + taken.slice(0, -1).split('\n').join(`\n${this.prefix}`) + '\n', 'utf8');
  }

  /** The last line when the log ended without a newline, prefixed. */
  rest(): Buffer | null {
    const rest = this.partial;
    this.partial = '';
    return rest ? Buffer.from(`${this.prefix}${rest}\n`, 'utf8') : null;
  }
}

export interface AggregatedLogOptions {
  socket: WebSocket;
  cluster: ClusterConnection;
  namespace: string;
  labelSelector: string;
  query: AggregatedLogQuery;
  idleTimeoutMs: number;
  /** containers followed at most (LOG_SOURCES_PER_STREAM); more are skipped with a notice */
  maxSources: number;
  metrics: StreamMetrics;
  onDone?: () => void;
}

interface Source {
  res?: UpstreamStream;
  /** what the send gate pauses: the upstream and the lines read from it but not yet sent */
  flow?: Pausable;
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
      if (source.flow) gate.forget(source.flow);
      source.res = undefined;
      source.flow = undefined;
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
      const lines = new PrefixedLines(prefix);
      let paused = false;
      let upstreamEnded = false;
      // the gate pauses and resumes this, not `res` itself: what was read but not yet sent goes out
      // before the upstream may produce more
      const flow: Pausable = {
        pause: () => {
          paused = true;
          res.pause();
        },
        resume: () => {
          paused = false;
          pump();
          if (!paused) res.resume();
        },
      };
      const pump = () => {
        while (!paused && !stream.ended) {
          const out = lines.nextFrame(FRAME_BYTES);
          if (!out) break;
          metrics.bytes.inc({ kind: 'aggregated-log', direction: 'to_client' }, out.length);
          gate.send(out, flow);
        }
        if (upstreamEnded && !paused && lines.empty && source.flow === flow) {
          const rest = lines.rest();
          if (rest) gate.send(rest);
          ended();
        }
      };
      source.flow = flow;
      gate.admit(flow);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        stream.touch();
        lines.push(chunk);
        pump();
      });
      res.on('end', () => {
        upstreamEnded = true;
        pump();
      });
      res.on('error', ended);
    })();
  };

  const removePod = (pod: string) => {
    for (const key of skipped) if (key.startsWith(`${pod}/`)) skipped.delete(key);
    for (const [key, s] of sources) {
      if (!key.startsWith(`${pod}/`)) continue;
      s.abort.abort();
      if (s.flow) gate.forget(s.flow);
      sources.delete(key);
      if (s.res) sendControl(socket, { type: 'source', event: 'removed', pod, container: key.slice(pod.length + 1) });
    }
  };

  // containers not followed because of maxSources; one is taken up at its pod's next event once
  // a slot is free
  const skipped = new Set<string>();
  let noticed = 0;
  const noticeSkipped = () => {
    if (!listed || skipped.size === noticed) return;
    noticed = skipped.size;
    sendControl(socket, {
      type: 'notice',
      code: 'TOO_MANY_SOURCES',
      message: `${skipped.size} more container(s) match but are not shown: merged logs follow at most ${o.maxSources}. Narrow the selector or open a pod's own log.`,
    });
  };

  const upsertPod = (pod: PodSummary) => {
    if (stream.ended) return;
    const name = pod.metadata.name;
    for (const c of startedContainers(pod, o.query.container)) {
      const key = `${name}/${c.name}`;
      const existing = sources.get(key);
      if (existing && (existing.res || existing.restartCount >= c.restartCount)) continue;
      if (!existing && sources.size >= o.maxSources) {
        skipped.add(key);
        continue;
      }
      skipped.delete(key);
      // pods seen in the first list honour tailLines; later ones (and restarts) are read from their start
      openSource(name, c.name, c.restartCount, listed || Boolean(existing));
    }
    noticeSkipped();
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
        noticeSkipped();
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
