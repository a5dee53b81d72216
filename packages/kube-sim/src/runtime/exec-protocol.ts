// pods/exec over WebSocket, speaking the remotecommand channel protocol kubectl and
// @kubernetes/client-node use: binary frames whose first byte is the channel (0 stdin, 1 stdout,
// 2 stderr, 3 status, 4 resize, 255 close in v5). The command runs in the built-in shell.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { TerminalSize } from './shell/shell.js';
import { ExecSession, type ExecOptions, type ExecSessionRecord, type ExecTarget } from './exec-session.js';

export type { ExecOptions, ExecSessionRecord, ExecTarget } from './exec-session.js';

/** In order of preference; channel.k8s.io is v1. */
export const EXEC_SUBPROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const STATUS = 3;
const RESIZE = 4;
const CLOSE = 255;

export class ExecRequestError extends Error {}

const flag = (q: URLSearchParams, name: string) => ['true', '1'].includes((q.get(name) ?? '').toLowerCase());

/** Reads the exec query like the apiserver; throws ExecRequestError for a BadRequest. */
export function parseExecQuery(q: URLSearchParams): Omit<ExecOptions, 'container'> & { container: string | null } {
  const opts = {
    command: q.getAll('command'),
    container: q.get('container'),
    stdin: flag(q, 'stdin'),
    stdout: flag(q, 'stdout'),
    stderr: flag(q, 'stderr'),
    tty: flag(q, 'tty'),
  };
  if (!opts.command.length) throw new ExecRequestError('you must specify at least one command for the container');
  if (!opts.stdin && !opts.stdout && !opts.stderr) throw new ExecRequestError('you must specify at least 1 of stdin, stdout, stderr');
  return opts;
}

/** Picks the best channel protocol the client offered; false refuses the upgrade's protocol. */
export function chooseExecProtocol(offered: Set<string>): string | false {
  return EXEC_SUBPROTOCOLS.find((p) => offered.has(p)) ?? false;
}

/** Decodes a resize frame; the apiserver matches Width/Height keys case-insensitively. */
export function parseResize(payload: Buffer): TerminalSize | null {
  try {
    const raw = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    const get = (key: string) => Number(Object.entries(raw).find(([k]) => k.toLowerCase() === key)?.[1]);
    const columns = get('width');
    const rows = get('height');
    if (!Number.isFinite(columns) || !Number.isFinite(rows) || columns <= 0 || rows <= 0) return null;
    return { columns, rows };
  } catch {
    return null;
  }
}

export function exitStatus(code: number, command: string[]): object {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export class ExecServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => chooseExecProtocol(offered),
  });
  readonly sessions: ExecSessionRecord[] = [];
  private readonly live = new Set<WebSocket>();

  /** Completes the WebSocket upgrade and runs the command; the caller has checked the pod. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: ExecTarget, opts: ExecOptions): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.live.add(ws);
      ws.once('close', () => this.live.delete(ws));
      void this.runSession(ws, target, opts);
    });
  }

  private async runSession(ws: WebSocket, target: ExecTarget, opts: ExecOptions): Promise<void> {
    const protocol = ws.protocol || 'channel.k8s.io';
    const send = (channel: number, data: string | Buffer) => {
      if (ws.readyState !== ws.OPEN) return;
      const body = typeof data === 'string' ? Buffer.from(data) : data;
      if (body.length === 0) return;
      ws.send(Buffer.concat([Buffer.from([channel]), body]));
    };
    const session = new ExecSession(target, opts, protocol, { stdout: (t) => send(STDOUT, t), stderr: (t) => send(STDERR, t) });
    this.remember(session.record);

    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const frame = isBinary ? data : Buffer.from(data);
      if (frame.length === 0) return;
      const channel = frame[0];
      const payload = frame.subarray(1);
      if (channel === STDIN) session.input(payload);
      else if (channel === RESIZE) {
        const size = parseResize(payload);
        if (size) session.resize(size);
      } else if (channel === CLOSE && protocol === 'v5.channel.k8s.io' && payload[0] === STDIN) session.endInput();
    });
    ws.once('close', () => session.hangUp());

    let code: number;
    try {
      code = await session.run();
    } catch (e) {
      send(STDERR, `internal error: ${(e as Error).message}\n`);
      code = 1;
    }
    if (protocol === 'v4.channel.k8s.io' || protocol === 'v5.channel.k8s.io') send(STATUS, JSON.stringify(exitStatus(code, opts.command)));
    else if (code !== 0) send(STATUS, `command terminated with non-zero exit code: exit status ${code}`);
    if (ws.readyState === ws.OPEN) ws.close(1000);
  }

  /** keeps the last 1000 session records */
  remember(record: ExecSessionRecord): void {
    this.sessions.push(record);
    if (this.sessions.length > 1000) this.sessions.shift();
  }

  /** Closes every open session (server shutdown). */
  close(): void {
    for (const ws of this.live) ws.terminate();
    this.wss.close();
  }
}
