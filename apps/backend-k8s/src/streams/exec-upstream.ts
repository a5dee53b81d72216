// Opens the apiserver's exec channel (remotecommand over WebSocket) with our own ws client, so the
// bridge sees bufferedAmount and send callbacks (client-node's Exec ignores both). Offers
// v5.channel.k8s.io first (it can close stdin) and falls back to v4.channel.k8s.io.
import WebSocket from 'ws';
import type { ClusterConnection } from '../clusters/credentials.js';
import { tunnelAgent } from './proxy-tunnel.js';
import { authHeaders, statusMessage, tlsOptions, upstreamErrorCode, upstreamUrl } from './upstream-http.js';
import { pathSegment } from '../kube/request-info.js';

export const EXEC_UPSTREAM_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

/** Channel bytes of the remotecommand protocol. */
export const Channel = { Stdin: 0, Stdout: 1, Stderr: 2, Error: 3, Resize: 4, Close: 255 } as const;

export interface ExecTarget {
  namespace: string;
  pod: string;
  container?: string;
  command: string[];
  tty: boolean;
  stdin: boolean;
}

export class ExecUpstreamError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
  }
}

export function execUrl(cluster: ClusterConnection, t: ExecTarget): URL {
  const q = new URLSearchParams();
  for (const word of t.command) q.append('command', word);
  if (t.container) q.set('container', t.container);
  q.set('stdout', 'true');
  // with a tty the runtime merges stderr into stdout and refuses a separate stderr stream
  q.set('stderr', t.tty ? 'false' : 'true');
  q.set('stdin', t.stdin ? 'true' : 'false');
  q.set('tty', t.tty ? 'true' : 'false');
  const url = upstreamUrl(
    cluster.credentials,
    `/api/v1/namespaces/${pathSegment(t.namespace)}/pods/${pathSegment(t.pod)}/exec`,
    q,
  );
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

export interface ExecUpstream {
  ws: WebSocket;
  /**
   * Starts delivering frames to `handler`, first those that arrived before it was attached: a
   * fast command's output, status and close can all arrive with the handshake, before the
   * caller's continuation runs.
   */
  listen(handler: (data: Buffer) => void): void;
}

export function openExecUpstream(cluster: ClusterConnection, target: ExecTarget, signal: AbortSignal): Promise<ExecUpstream> {
  return new Promise((resolve, reject) => {
    const url = execUrl(cluster, target);
    const agent = tunnelAgent(cluster.credentials.proxyUrl, url.protocol === 'wss:');
    const ws = new WebSocket(url, EXEC_UPSTREAM_PROTOCOLS, {
      ...tlsOptions(cluster.credentials),
      ...(agent ? { agent } : {}),
      headers: authHeaders(cluster.credentials),
      perMessageDeflate: false,
      handshakeTimeout: 15_000,
    });
    const early: Buffer[] = [];
    const collect = (data: Buffer) => early.push(data);
    ws.on('message', collect);
    const listen = (handler: (data: Buffer) => void) => {
      ws.off('message', collect);
      for (const data of early.splice(0)) handler(data);
      ws.on('message', handler);
    };
    const onAbort = () => ws.terminate();
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal.removeEventListener('abort', onAbort);
    ws.once('open', () => {
      settle();
      resolve({ ws, listen });
    });
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.length < 64 && chunks.push(c));
      res.on('end', () => {
        settle();
        const status = res.statusCode ?? 0;
        const body = Buffer.concat(chunks).toString('utf8');
        reject(new ExecUpstreamError(upstreamErrorCode(status), statusMessage(body, `the apiserver refused exec: ${status}`), status));
        ws.terminate();
      });
    });
    ws.once('error', (err) => {
      settle();
      reject(signal.aborted ? err : new ExecUpstreamError('UPSTREAM_UNREACHABLE', `cannot reach the cluster: ${err.message}`, 0));
    });
  });
}

export interface ExecStatus {
  exitCode: number | null;
  reason?: string;
  message?: string;
  /** true when the process did not run at all (not found, not executable...) */
  startFailure: boolean;
}

/** Reads the Status the apiserver sends on the error channel when the process ends. */
export function parseExecStatus(json: string): ExecStatus {
  let status: {
    status?: string;
    reason?: string;
    message?: string;
    details?: { causes?: { reason?: string; message?: string }[] };
  };
  try {
    status = JSON.parse(json);
  } catch {
    return { exitCode: null, message: json.slice(0, 500), startFailure: false };
  }
  if (status.status === 'Success') return { exitCode: 0, startFailure: false };
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (status.reason === 'NonZeroExitCode' && cause?.message !== undefined) {
    const exitCode = Number.parseInt(cause.message, 10);
    // 126 not executable, 127 not found: how a shell reports a missing program
    return { exitCode, reason: status.reason, message: status.message, startFailure: exitCode === 126 || exitCode === 127 };
  }
  return { exitCode: null, reason: status.reason, message: status.message, startFailure: true };
}
