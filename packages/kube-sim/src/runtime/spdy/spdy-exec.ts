// pods/exec over an upgraded SPDY/3.1 connection, which kubectl before 1.31 uses (and later
// versions fall back to). The client opens one stream per channel, named by its `streamtype`
// header (error, stdin, stdout, stderr, resize); the process starts once the streams the request
// asked for are there. The exit status goes on the error stream: a JSON Status with
// v4.channel.k8s.io, a message on failure with the older versions.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ExecSession, type ExecOptions, type ExecSessionRecord, type ExecTarget } from '../exec-session.js';
import { exitStatus, parseResize } from '../exec-protocol.js';
import {
  ControlType, dataFrame, FLAG_FIN, FrameReader, goAwayFrame, HeaderBlockReader, HeaderBlockWriter, MAX_DATA, pingFrame,
  streamIdOf, synReplyFrame, windowUpdateFrame, type SpdyFrame,
} from './spdy-framing.js';

const SPDY_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
const STREAM_WAIT_MS = 2000;

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

export function isSpdyUpgrade(req: IncomingMessage): boolean {
  return /^spdy\/3\.1$/i.test(String(req.headers.upgrade ?? '').trim());
}

export function handleSpdyExec(req: IncomingMessage, socket: Duplex, head: Buffer, target: ExecTarget, opts: ExecOptions, remember: (r: ExecSessionRecord) => void): void {
  const offered = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const protocol = SPDY_PROTOCOLS.find((p) => offered.includes(p)) ?? 'channel.k8s.io';
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);

  const reader = new FrameReader();
  const headersIn = new HeaderBlockReader();
  const headersOut = new HeaderBlockWriter();
  const streams = new Map<StreamType, number>();
  let lastStreamId = 0;
  let resizeBuffer = '';
  let closed = false;
  const write = (frame: Buffer) => {
    if (!closed && !socket.destroyed) socket.write(frame);
  };
  const sendData = (type: StreamType, data: Buffer) => {
    const id = streams.get(type);
    if (id === undefined) return;
    for (let i = 0; i < data.length; i += MAX_DATA) write(dataFrame(id, data.subarray(i, i + MAX_DATA)));
  };
  const session = new ExecSession(target, opts, `SPDY/3.1+${protocol}`, {
    stdout: (t) => sendData('stdout', Buffer.from(t)),
    stderr: (t) => sendData('stderr', Buffer.from(t)),
  });
  remember(session.record);

  // the streams this request needs before the process may start, like the kubelet waits for them
  const expected: StreamType[] = ['error'];
  if (opts.stdin) expected.push('stdin');
  if (opts.stdout) expected.push('stdout');
  if (opts.stderr && !opts.tty) expected.push('stderr');
  if (opts.tty && protocol !== 'v2.channel.k8s.io' && protocol !== 'channel.k8s.io') expected.push('resize');
  let started = false;
  let ready: () => void = () => {};
  const allThere = new Promise<void>((resolve) => { ready = resolve; });
  const waitTimer = setTimeout(() => ready(), STREAM_WAIT_MS);

  const onFrame = (frame: SpdyFrame) => {
    if (!frame.control) {
      const type = [...streams].find(([, id]) => id === frame.streamId)?.[0];
      if (frame.data.length) {
        write(windowUpdateFrame(frame.streamId, frame.data.length));
        write(windowUpdateFrame(0, frame.data.length));
      }
      if (type === 'stdin') {
        session.input(frame.data);
        if (frame.flags & FLAG_FIN) session.endInput();
      } else if (type === 'resize') {
        resizeBuffer += frame.data.toString('utf8');
        let nl: number;
        while ((nl = resizeBuffer.indexOf('\n')) >= 0) {
          const size = parseResize(Buffer.from(resizeBuffer.slice(0, nl)));
          resizeBuffer = resizeBuffer.slice(nl + 1);
          if (size) session.resize(size);
        }
      }
      return;
    }
    switch (frame.type) {
      case ControlType.SynStream: {
        const id = streamIdOf(frame.payload);
        lastStreamId = Math.max(lastStreamId, id);
        const headers = headersIn.read(frame.payload.subarray(10));
        const type = headers.get('streamtype')?.[0] as StreamType | undefined;
        if (type) streams.set(type, id);
        write(synReplyFrame(id, headersOut.write({})));
        if (!started && expected.every((t) => streams.has(t))) ready();
        return;
      }
      case ControlType.RstStream:
        if (streamIdOf(frame.payload) === streams.get('stdin')) session.endInput();
        return;
      case ControlType.Ping:
        write(pingFrame(frame.payload));
        return;
      case ControlType.GoAway:
        session.hangUp();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do (output is small; no flow control needed)
        return;
    }
  };

  const onData = (chunk: Buffer) => {
    try {
      for (const frame of reader.push(chunk)) onFrame(frame);
    } catch {
      // a malformed frame or header block: drop the connection like a protocol error
      closed = true;
      socket.destroy();
      session.hangUp();
    }
  };
  socket.on('data', onData);
  socket.once('close', () => {
    closed = true;
    clearTimeout(waitTimer);
    ready();
    session.hangUp();
  });
  socket.on('error', () => {});
  if (head.length) onData(head);

  void (async () => {
    await allThere;
    clearTimeout(waitTimer);
    started = true;
    if (closed) return;
    let code: number;
    try {
      code = await session.run();
    } catch (e) {
      sendData('stderr', Buffer.from(`internal error: ${(e as Error).message}\n`));
      code = 1;
    }
    if (protocol === 'v4.channel.k8s.io') sendData('error', Buffer.from(JSON.stringify(exitStatus(code, opts.command))));
    else if (code !== 0) sendData('error', Buffer.from(`command terminated with non-zero exit code: exit status ${code}`));
    for (const id of streams.values()) write(dataFrame(id, Buffer.alloc(0), FLAG_FIN));
    write(goAwayFrame(lastStreamId));
    closed = true;
    socket.end();
  })();
}
