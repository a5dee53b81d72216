import { EventEmitter } from 'node:events';
import { StreamCloseCode } from '@k8s-console/contracts';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type WebSocket from 'ws';
import { openLogSocket } from './log-socket.js';
import { streamMetrics } from './stream-metrics.js';

/** Just what the log socket uses of a ws WebSocket: readyState, send, close and its events. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readonly CONNECTING = 0;
  readyState = 1;
  sent: string[] = [];
  closed: { code: number; reason: string }[] = [];
  send(data: string) {
    this.sent.push(data);
  }
  close(code: number, reason: string) {
    this.closed.push({ code, reason });
    this.readyState = 3;
  }
}

function open(idleTimeoutMs: number) {
  const socket = new FakeSocket();
  const metrics = streamMetrics(new Registry());
  const calls: string[] = [];
  const stream = openLogSocket({
    socket: socket as unknown as WebSocket,
    kind: 'log',
    idleTimeoutMs,
    metrics,
    onEnd: () => calls.push('end'),
    onDone: () => calls.push('done'),
  });
  const openGauge = async () => (await metrics.open.get()).values.find((v) => v.labels.kind === 'log')?.value;
  return { socket, stream, calls, openGauge };
}

describe('openLogSocket', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ends an idle stream with the idle code, saying why, once; traffic pushes the deadline back', async () => {
    vi.useFakeTimers();
    const { socket, stream, calls, openGauge } = open(1000);
    expect(await openGauge()).toBe(1);
    vi.advanceTimersByTime(800);
    stream.touch();
    vi.advanceTimersByTime(800);
    socket.emit('message', Buffer.from('ping'));
    vi.advanceTimersByTime(800);
    expect(stream.ended).toBe(false);
    vi.advanceTimersByTime(300);
    expect(stream.ended).toBe(true);
    expect(stream.signal.aborted).toBe(true);
    expect(JSON.parse(socket.sent[0]!)).toMatchObject({ type: 'error', code: 'IDLE_TIMEOUT' });
    expect(socket.closed).toEqual([{ code: StreamCloseCode.IdleTimeout, reason: 'idle timeout' }]);
    expect(calls).toEqual(['end', 'done']);
    expect(await openGauge()).toBe(0);
  });

  it('ends when the browser closes, and a later end changes nothing', async () => {
    const { socket, stream, calls, openGauge } = open(60_000);
    socket.readyState = 3;
    socket.emit('close');
    stream.end(StreamCloseCode.UpstreamError, 'too late');
    expect(stream.signal.aborted).toBe(true);
    expect(socket.closed).toEqual([]); // already closed: nothing more is sent
    expect(calls).toEqual(['end', 'done']);
    expect(await openGauge()).toBe(0);
  });
});
