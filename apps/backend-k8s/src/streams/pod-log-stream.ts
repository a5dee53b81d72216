// One pod container's log, from the apiserver to a browser WebSocket: raw log bytes as binary
// frames, a slow browser pauses the upstream read, a closed browser aborts the upstream request,
// and the end of the log (or a failure) is told with a final control frame and close code.
import { StreamCloseCode, type LogQuery } from '@k8s-console/contracts';
import type WebSocket from 'ws';
import type { ClusterConnection } from '../clusters/credentials.js';
import { openLogSocket } from './log-socket.js';
import { SocketSendGate } from './socket-backpressure.js';
import { sendControl } from './stream-control.js';
import type { StreamMetrics } from './stream-metrics.js';
import { readSmallBody, statusMessage, upstreamErrorCode, upstreamGet } from './upstream-http.js';
import { pathSegment } from '../kube/request-info.js';

export function podLogPath(namespace: string, pod: string): string {
  return `/api/v1/namespaces/${pathSegment(namespace)}/pods/${pathSegment(pod)}/log`;
}

export function podLogQuery(q: LogQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.container) p.set('container', q.container);
  if (q.follow) p.set('follow', 'true');
  if (q.previous) p.set('previous', 'true');
  if (q.timestamps) p.set('timestamps', 'true');
  if (q.tailLines !== undefined) p.set('tailLines', String(q.tailLines));
  if (q.sinceSeconds !== undefined) p.set('sinceSeconds', String(q.sinceSeconds));
  if (q.limitBytes !== undefined) p.set('limitBytes', String(q.limitBytes));
  return p;
}

export interface PodLogStreamOptions {
  socket: WebSocket;
  cluster: ClusterConnection;
  namespace: string;
  pod: string;
  query: LogQuery;
  idleTimeoutMs: number;
  metrics: StreamMetrics;
  /** called once when the stream is over, however it ended */
  onDone?: () => void;
}

export function streamPodLog(o: PodLogStreamOptions): { stop(code: number, reason: string): void } {
  const { socket, metrics } = o;
  const stream = openLogSocket({ socket, kind: 'log', idleTimeoutMs: o.idleTimeoutMs, metrics, onDone: o.onDone });
  const { signal } = stream;

  const fail = (code: string, message: string) => {
    sendControl(socket, { type: 'error', code, message });
    stream.end(StreamCloseCode.UpstreamError, message);
  };

  void (async () => {
    let res;
    try {
      res = await upstreamGet(o.cluster, podLogPath(o.namespace, o.pod), podLogQuery(o.query), { signal });
    } catch (err) {
      if (!signal.aborted) fail('UPSTREAM_UNREACHABLE', `cannot reach the cluster: ${(err as Error).message}`);
      return;
    }
    if (stream.ended) {
      res.destroy();
      return;
    }
    const status = res.statusCode ?? 0;
    if (status !== 200) {
      const body = await readSmallBody(res).catch(() => '');
      fail(upstreamErrorCode(status), statusMessage(body, `the apiserver answered ${status}`));
      return;
    }
    const gate = new SocketSendGate(socket);
    res.on('data', (chunk: Buffer) => {
      stream.touch();
      metrics.bytes.inc({ kind: 'log', direction: 'to_client' }, chunk.length);
      gate.send(chunk, res);
    });
    res.on('end', () => {
      sendControl(socket, { type: 'end', reason: o.query.follow ? 'the container stopped writing its log' : 'end of log' });
      stream.end(StreamCloseCode.Normal, 'log ended');
    });
    res.on('error', (err) => {
      if (!signal.aborted) fail('UPSTREAM_BROKEN', `the log stream from the cluster broke: ${err.message}`);
    });
    res.on('aborted', () => {
      if (!signal.aborted) fail('UPSTREAM_BROKEN', 'the cluster closed the log stream');
    });
  })();

  return { stop: stream.end };
}
