// What a log stream to a browser WebSocket owns for its whole life, the same for one container's
// log and for a selector's merged logs: it counts as open, ends after idleTimeoutMs without
// traffic, ends when the browser closes, and ends once: the upstream reads are aborted, the
// socket closed with a code and reason the browser can show.
import { StreamCloseCode } from '@k8s-console/contracts';
import type WebSocket from 'ws';
import { IdleTimer } from './idle-timer.js';
import { closeSocket, sendControl } from './stream-control.js';
import type { StreamMetrics } from './stream-metrics.js';

export interface LogSocketOptions {
  socket: WebSocket;
  kind: 'log' | 'aggregated-log';
  idleTimeoutMs: number;
  metrics: StreamMetrics;
  /** runs once as the stream ends, before the socket closes (stop what the stream started) */
  onEnd?: () => void;
  /** called once when the stream is over, however it ended */
  onDone?: () => void;
}

export interface LogSocket {
  /** aborted when the stream ends: upstream reads pass its signal */
  readonly signal: AbortSignal;
  /** the stream has ended */
  readonly ended: boolean;
  /** traffic: pushes the idle deadline back */
  touch(): void;
  /** ends the stream (only the first call counts) */
  end(code: number, reason: string): void;
}

export function openLogSocket(o: LogSocketOptions): LogSocket {
  const { socket, metrics } = o;
  const abort = new AbortController();
  let ended = false;
  metrics.open.inc({ kind: o.kind });
  const end = (code: number, reason: string) => {
    if (ended) return;
    ended = true;
    idle.stop();
    abort.abort();
    o.onEnd?.();
    metrics.open.dec({ kind: o.kind });
    closeSocket(socket, code, reason);
    o.onDone?.();
  };
  const idle = new IdleTimer(o.idleTimeoutMs, () => {
    sendControl(socket, { type: 'error', code: 'IDLE_TIMEOUT', message: 'no log output for too long; reconnect to continue' });
    end(StreamCloseCode.IdleTimeout, 'idle timeout');
  });
  socket.on('close', () => end(StreamCloseCode.Normal, 'client closed'));
  socket.on('error', () => end(StreamCloseCode.Normal, 'client error'));
  // the browser has nothing to say on a log socket; any frame just counts as activity
  socket.on('message', () => idle.touch());
  return {
    signal: abort.signal,
    get ended() {
      return ended;
    },
    touch: () => idle.touch(),
    end,
  };
}
