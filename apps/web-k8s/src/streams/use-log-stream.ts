// One pod log over the backend's log WebSocket: keeps the lines (capped), the state of the
// stream and why it ended. Lines live in a plain array with a version counter, so 500k lines
// are not made reactive one by one.
import { LOG_STREAM_PROTOCOL, type StreamServerControl } from '@k8s-console/contracts';
import { onBeforeUnmount, ref, shallowRef, triggerRef } from 'vue';
import { LogBuffer } from './log-buffer';
import { namespacePath, openStreamSocket, podPath, withQuery, type PodRef } from './stream-url';

export interface LogStreamParams {
  /** aggregated mode: every pod of this workload, lines prefixed with [pod/container] */
  workload?: { kind: 'deployment' | 'statefulset' | 'daemonset' | 'job' | 'replicaset'; name: string };
  /** aggregated mode: every pod matching this selector */
  labelSelector?: string;
  container?: string;
  previous?: boolean;
  timestamps?: boolean;
  follow?: boolean;
  tailLines?: number;
}

export type LogStreamState = 'idle' | 'connecting' | 'streaming' | 'ended' | 'error';

export function useLogStream(getToken: () => string | null | Promise<string | null>) {
  const buffer = new LogBuffer();
  const lines = shallowRef<readonly string[]>(buffer.lines);
  const version = ref(0);
  const state = ref<LogStreamState>('idle');
  const endMessage = ref('');
  /** merged logs: the server's last notice that does not end the stream (containers skipped) */
  const notice = ref('');
  let socket: WebSocket | null = null;
  let pending = false;

  // many frames per second are folded into one update per animation frame
  const publish = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      // the buffer mutates its array in place: assign (it may be a new one after clear) and force
      lines.value = buffer.lines;
      triggerRef(lines);
      version.value++;
    });
  };

  const close = () => {
    if (!socket) return;
    const s = socket;
    socket = null;
    s.onmessage = s.onclose = s.onerror = null;
    s.close(1000);
  };

  async function start(ref: PodRef, params: LogStreamParams) {
    close();
    buffer.clear();
    publish();
    state.value = 'connecting';
    endMessage.value = '';
    notice.value = '';
    const aggregated = Boolean(params.workload || params.labelSelector);
    const url = aggregated
      ? withQuery(namespacePath(ref, 'logs'), {
          kind: params.workload?.kind,
          name: params.workload?.name,
          labelSelector: params.workload ? undefined : params.labelSelector,
          container: params.container,
          timestamps: params.timestamps,
          tailLines: params.tailLines,
        })
      : withQuery(podPath(ref, 'log'), {
          container: params.container,
          previous: params.previous,
          timestamps: params.timestamps,
          follow: params.follow ?? !params.previous,
          tailLines: params.tailLines,
        });
    const s = await openStreamSocket(url, LOG_STREAM_PROTOCOL, getToken);
    socket = s;
    s.onopen = () => {
      if (socket === s) state.value = 'streaming';
    };
    s.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') {
        if (buffer.push(ev.data as ArrayBuffer) > 0) publish();
        return;
      }
      const control = JSON.parse(ev.data) as StreamServerControl;
      if (control.type === 'end') endMessage.value = control.reason;
      else if (control.type === 'notice') notice.value = control.message;
      else if (control.type === 'error') {
        endMessage.value = control.message;
        state.value = 'error';
      }
    };
    s.onclose = (ev: CloseEvent) => {
      if (socket !== s) return;
      socket = null;
      buffer.flush();
      publish();
      if (state.value !== 'error') state.value = ev.code === 1000 ? 'ended' : 'error';
      if (!endMessage.value) endMessage.value = ev.reason || `connection closed (${ev.code})`;
    };
  }

  function clear() {
    buffer.clear();
    publish();
  }

  onBeforeUnmount(close);
  return { lines, version, state, endMessage, notice, start, stop: close, clear };
}
