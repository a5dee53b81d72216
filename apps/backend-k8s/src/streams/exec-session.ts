// One terminal session: the browser's exec socket bridged to the apiserver's exec channel.
// Flow control both ways: output pauses the upstream socket while the browser is congested, and
// stdin pauses the browser socket (stops reading it) while the upstream is congested, so a paste
// flood waits in the browser instead of in our memory. Every session ends in one audit record.
import {
  DEFAULT_SHELLS,
  ExecClientControlSchema,
  StreamCloseCode,
  type ExecQuery,
  type ExecSessionRecord,
} from '@k8s-console/contracts';
import { Value } from '@sinclair/typebox/value';
import type WebSocket from 'ws';
import type { ClusterConnection } from '../clusters/credentials.js';
import type { Subject } from '../rbac/authorizer.js';
import type { ExecSessionRecorder } from './exec-session-recorder.js';
import { DefaultContainerError, resolveDefaultContainer } from './exec-default-container.js';
import { Channel, ExecUpstreamError, openExecUpstream, parseExecStatus, type ExecStatus, type ExecUpstream } from './exec-upstream.js';
import { IdleTimer } from './idle-timer.js';
import { SocketSendGate } from './socket-backpressure.js';
import { closeSocket, sendControl } from './stream-control.js';
import type { StreamMetrics } from './stream-metrics.js';

export interface ExecSessionOptions {
  socket: WebSocket;
  cluster: ClusterConnection;
  subject: Subject;
  address?: string;
  namespace: string;
  pod: string;
  query: ExecQuery;
  idleTimeoutMs: number;
  metrics: StreamMetrics;
  recorder: ExecSessionRecorder;
  log: { warn(obj: object, msg: string): void };
  /** called once when the session is over (gives back the per-user slot) */
  onDone?: () => void;
}

type EndReason = 'exit' | 'client-closed' | 'idle-timeout' | 'upstream-error' | 'start-failed' | 'protocol-error' | StopCause;

/** Why the server ended a stream itself: the user lost access to it, or the server is closing. */
export type StopCause = 'access-revoked' | 'shutdown';

const resizeFrame = (cols: number, rows: number) =>
  Buffer.concat([Buffer.from([Channel.Resize]), Buffer.from(JSON.stringify({ Width: cols, Height: rows }))]);

export function runExecSession(o: ExecSessionOptions): { stop(code: number, reason: string, cause: StopCause): void } {
  const { socket: browser, metrics } = o;
  const tty = o.query.tty ?? true;
  const wantStdin = o.query.stdin ?? true;
  const candidates = o.query.command ? [o.query.command] : DEFAULT_SHELLS.map((c) => [...c]);
  const startedAt = new Date();
  const abort = new AbortController();
  const toBrowser = new SocketSendGate(browser);
  let upstream: WebSocket | undefined;
  let toUpstream: SocketSendGate | undefined;
  let command = candidates[0] ?? [];
  // omitted: the pod's default container, looked up before the first attempt
  let container = o.query.container;
  let exitStatus: ExecStatus | undefined;
  // stdin went to the current attempt's process: its end is the user's doing, never a shell that
  // failed to start (no fallback to the next shell then)
  let typed = false;
  let done = false;
  metrics.open.inc({ kind: 'exec' });
  // hold stdin and resizes until the upstream process is there
  browser.pause();

  const finish = (code: number, reason: string, endReason: EndReason) => {
    if (done) return;
    done = true;
    idle.stop();
    abort.abort();
    if (upstream) {
      const up = upstream;
      up.close(1000);
      // an apiserver that does not answer the close handshake is cut off
      setTimeout(() => up.terminate(), 500).unref();
    }
    metrics.open.dec({ kind: 'exec' });
    metrics.execSessions.inc({ result: endReason });
    // a paused socket would never read the browser's answer to our close frame
    if (browser.isPaused) browser.resume();
    closeSocket(browser, code, reason);
    record({ endedAt: new Date().toISOString(), exitCode: exitStatus?.exitCode ?? null, endReason });
    o.onDone?.();
  };

  /** An audit record of the session: its start (endedAt null) or its end. */
  const record = (end: Pick<ExecSessionRecord, 'endedAt' | 'exitCode' | 'endReason'>) => {
    const entry: ExecSessionRecord = {
      userId: o.subject.userId,
      username: o.subject.username,
      clusterId: o.cluster.id,
      namespace: o.namespace,
      pod: o.pod,
      container: container ?? null,
      command,
      tty,
      startedAt: startedAt.toISOString(),
      ...end,
      address: o.address ?? null,
    };
    Promise.resolve()
      .then(() => o.recorder.record(entry))
      .catch((err: Error) => o.log.warn({ err: err.message }, 'recording an exec session failed'));
  };

  const fail = (code: string, message: string, endReason: EndReason, closeCode: number = StreamCloseCode.UpstreamError) => {
    sendControl(browser, { type: 'error', code, message });
    finish(closeCode, message, endReason);
  };

  const idle = new IdleTimer(o.idleTimeoutMs, () => {
    sendControl(browser, { type: 'error', code: 'IDLE_TIMEOUT', message: 'the session was idle for too long and was closed' });
    finish(StreamCloseCode.IdleTimeout, 'idle timeout', 'idle-timeout');
  });

  browser.on('close', () => finish(StreamCloseCode.Normal, 'client closed', 'client-closed'));
  browser.on('error', () => finish(StreamCloseCode.Normal, 'client error', 'client-closed'));
  browser.on('message', (data: Buffer, isBinary: boolean) => {
    if (done || !upstream || !toUpstream) return;
    idle.touch();
    if (isBinary) {
      if (data[0] !== Channel.Stdin) {
        fail('PROTOCOL_ERROR', 'binary frames from the browser must start with channel byte 0 (stdin)', 'protocol-error', StreamCloseCode.ProtocolError);
        return;
      }
      if (!wantStdin) return;
      typed = true;
      metrics.bytes.inc({ kind: 'exec', direction: 'to_upstream' }, data.length - 1);
      // the browser's frame already has the upstream's layout: forward it as it is
      toUpstream.send(data, browser);
      return;
    }
    let control: unknown;
    try {
      control = JSON.parse(data.toString('utf8'));
    } catch {
      control = undefined;
    }
    if (!Value.Check(ExecClientControlSchema, control)) {
      fail('PROTOCOL_ERROR', 'text frames must be JSON control messages: {"type":"resize","cols":n,"rows":n} or {"type":"close-stdin"}', 'protocol-error', StreamCloseCode.ProtocolError);
      return;
    }
    // control frames are held to the same backpressure as stdin: a flood of them pauses the browser
    if (control.type === 'resize') {
      if (tty) toUpstream.send(resizeFrame(control.cols, control.rows), browser);
    } else if (upstream.protocol === 'v5.channel.k8s.io') {
      toUpstream.send(Buffer.from([Channel.Close, Channel.Stdin]), browser);
    }
  });

  const attempt = async (index: number): Promise<void> => {
    command = candidates[index] ?? [];
    let opened: ExecUpstream;
    try {
      opened = await openExecUpstream(
        o.cluster,
        { namespace: o.namespace, pod: o.pod, container, command, tty, stdin: wantStdin },
        abort.signal,
      );
    } catch (err) {
      if (done) return;
      const e = err as ExecUpstreamError;
      // a runtime that cannot start the program may refuse the upgrade itself: try the next shell
      if (e.httpStatus >= 500 && index + 1 < candidates.length && !o.query.command) return attempt(index + 1);
      fail(e.code ?? 'UPSTREAM_ERROR', e.message, 'start-failed');
      return;
    }
    const up = opened.ws;
    if (done) {
      up.terminate();
      return;
    }
    upstream = up;
    toUpstream = new SocketSendGate(up);
    exitStatus = undefined;
    typed = false;
    let sawOutput = false;
    sendControl(browser, { type: 'started', command, protocol: up.protocol });
    record({ endedAt: null, exitCode: null, endReason: null });
    if (tty && o.query.cols && o.query.rows) toUpstream.send(resizeFrame(o.query.cols, o.query.rows));

    opened.listen((data: Buffer) => {
      idle.touch();
      const channel = data[0];
      if (channel === Channel.Stdout || channel === Channel.Stderr) {
        sawOutput = true;
        metrics.bytes.inc({ kind: 'exec', direction: 'to_client' }, data.length - 1);
        // same layout as the browser's output frames: channel byte, then the bytes
        toBrowser.send(data, up);
      } else if (channel === Channel.Error) {
        exitStatus = parseExecStatus(data.subarray(1).toString('utf8'));
      }
    });
    up.on('error', () => {
      // 'close' follows and decides
    });
    const onClose = () => {
      if (done || upstream !== up) return;
      toBrowser.forget(up);
      const status = exitStatus;
      if (status?.startFailure && !sawOutput && !typed && !o.query.command && index + 1 < candidates.length) {
        browser.pause();
        upstream = undefined;
        toUpstream = undefined;
        void attempt(index + 1);
        return;
      }
      if (status) {
        sendControl(browser, {
          type: 'exit',
          exitCode: status.exitCode,
          ...(status.reason ? { reason: status.reason } : {}),
          ...(status.message ? { message: status.message } : {}),
        });
        finish(StreamCloseCode.Normal, status.exitCode === null ? 'process failed' : `exited with code ${status.exitCode}`, 'exit');
      } else {
        fail('UPSTREAM_CLOSED', 'the cluster closed the exec session without an exit status', 'upstream-error');
      }
    };
    up.on('close', onClose);
    // it may have closed already, right after the handshake
    if (up.readyState === up.CLOSED) {
      onClose();
      return;
    }
    browser.resume();
  };

  const start = async () => {
    if (!container) {
      try {
        container = await resolveDefaultContainer(o.cluster, o.namespace, o.pod, abort.signal);
      } catch (err) {
        if (done) return;
        const e = err as Error;
        fail(e instanceof DefaultContainerError ? e.code : 'UPSTREAM_ERROR', e.message, 'start-failed');
        return;
      }
      if (done) return;
    }
    await attempt(0);
  };

  void start();
  return { stop: (code, reason, cause) => finish(code, reason, cause) };
}
