// One terminal session over the backend's exec WebSocket: stdin frames (channel byte 0) held
// back while the socket's send buffer is full, so a huge paste waits here instead of piling up,
// resize control frames, and the process's exit reported as it ended.
import { EXEC_STREAM_PROTOCOL, ExecChannel, type ExecClientControl, type StreamServerControl } from '@k8s-console/contracts';
import { ref } from 'vue';
import { openStreamSocket, podPath, withQuery, type PodRef } from './stream-url';

export type ExecState = 'idle' | 'connecting' | 'running' | 'ended';

export interface ExecParams {
  container?: string;
  command?: string[];
  cols?: number;
  rows?: number;
}

export interface ExecEnd {
  exitCode: number | null;
  message: string;
}

const SEND_HIGH_WATER = 256 * 1024;

export function useExecSession(getToken: () => string | null | Promise<string | null>, onOutput: (bytes: Uint8Array) => void) {
  const state = ref<ExecState>('idle');
  const started = ref<string[]>([]);
  const ended = ref<ExecEnd | null>(null);
  const encoder = new TextEncoder();
  let socket: WebSocket | null = null;
  let queue: Uint8Array[] = [];
  let flushTimer: ReturnType<typeof setInterval> | null = null;

  const stopFlush = () => {
    if (flushTimer) clearInterval(flushTimer);
    flushTimer = null;
  };

  const flush = () => {
    const s = socket;
    if (!s || s.readyState !== WebSocket.OPEN) return;
    while (queue.length > 0 && s.bufferedAmount < SEND_HIGH_WATER) s.send(queue.shift() as Uint8Array);
    if (queue.length === 0) stopFlush();
    else if (!flushTimer) flushTimer = setInterval(flush, 20);
  };

  function sendInput(data: string | Uint8Array) {
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    // chunks of 32 KiB, each with the stdin channel byte in front
    for (let i = 0; i < bytes.length; i += 32 * 1024) {
      const part = bytes.subarray(i, i + 32 * 1024);
      const frame = new Uint8Array(part.length + 1);
      frame[0] = ExecChannel.Stdin;
      frame.set(part, 1);
      queue.push(frame);
    }
    flush();
  }

  function sendControl(message: ExecClientControl) {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function close() {
    stopFlush();
    queue = [];
    const s = socket;
    socket = null;
    if (s) {
      s.onmessage = s.onclose = s.onerror = null;
      s.close(1000);
    }
  }

  async function start(ref: PodRef, params: ExecParams) {
    close();
    state.value = 'connecting';
    ended.value = null;
    started.value = [];
    let exit: ExecEnd | null = null;
    const url = withQuery(podPath(ref, 'exec'), {
      container: params.container,
      command: params.command,
      tty: true,
      stdin: true,
      cols: params.cols,
      rows: params.rows,
    });
    const s = await openStreamSocket(url, EXEC_STREAM_PROTOCOL, getToken);
    socket = s;
    s.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') {
        const frame = new Uint8Array(ev.data as ArrayBuffer);
        if (frame[0] === ExecChannel.Stdout || frame[0] === ExecChannel.Stderr) onOutput(frame.subarray(1));
        return;
      }
      const control = JSON.parse(ev.data) as StreamServerControl;
      if (control.type === 'started') {
        started.value = control.command;
        state.value = 'running';
      } else if (control.type === 'exit') {
        exit = { exitCode: control.exitCode, message: control.message ?? '' };
      } else if (control.type === 'error') {
        exit = { exitCode: null, message: control.message };
      }
    };
    s.onclose = (ev: CloseEvent) => {
      if (socket !== s) return;
      socket = null;
      stopFlush();
      ended.value = exit ?? { exitCode: null, message: ev.reason || `connection closed (${ev.code})` };
      state.value = 'ended';
    };
  }

  return { state, started, ended, start, close, sendInput, sendControl };
}
