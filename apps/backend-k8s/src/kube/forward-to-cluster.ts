// Sends one authorized proxied request to its cluster and writes the apiserver's answer to the
// client. It uses undici's dispatch API: the answer arrives as callbacks (headers, chunks, end)
// that write straight to the client's response. The request API would put a Readable, a body
// mixin and promises in between, ~30 µs of a ~0.3 ms proxied GET (docs/performance.md, "Fifth
// pass"). Other callers, which read the answer themselves, use requestUpstream.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { util as undiciUtil, type Dispatcher } from 'undici';
import type { ClusterEndpoint } from './connection-pool.js';
import { connectionListed, isHopByHop } from './hop-by-hop.js';
import { classifyUpstreamFailure, type UpstreamError } from './upstream-request.js';

/** Answers up to this size with a Content-Length are collected, then sent in one write. */
export const SMALL_BODY_BYTES = 64 * 1024;

/** One authorized request, ready to go to its cluster. */
export interface Forwarding {
  clusterId: string;
  endpoint: ClusterEndpoint;
  method: string;
  /** apiserver path and query, still percent-encoded */
  target: string;
  /** what goes upstream: the client's headers that may cross, and the cluster's own */
  headers: OutgoingHttpHeaders;
  /** how long to wait for the apiserver's response headers */
  timeoutMs: number;
  log: FastifyBaseLogger;
  /**
   * Called when the answer starts streaming (a watch, a followed log, a big list), which may
   * last long after the request was authorized: registers it to be checked again, and gives the
   * function that unregisters it. `revoke` ends the answer (see proxiedStreamSession).
   */
  onStreaming?: (revoke: (reason: string) => void) => () => void;
}

/**
 * The apiserver's response headers a client may see (no hop-by-hop header, no cookie, no CORS:
 * who may read the console's answers is the console's call, EMBED_ALLOWED_ORIGINS), from
 * undici's raw list. Values are kept byte for byte (latin1, as Node writes them). Also gives the
 * Content-Length, NaN without one.
 */
export function forwardedResponseHeaders(raw: readonly (Buffer | string)[]): { headers: OutgoingHttpHeaders; contentLength: number } {
  // null prototype: a header named __proto__ from the apiserver stays a header
  const headers = Object.create(null) as OutgoingHttpHeaders;
  let listed: string[] | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    // every Connection header counts (a response may carry several)
    if (undiciUtil.headerNameToString(raw[i]!) === 'connection') listed = [...(listed ?? []), ...connectionListed(raw[i + 1]!.toString())];
  }
  const fromUpstream: string[] = [];
  let contentLength = NaN;
  for (let i = 0; i < raw.length; i += 2) {
    const name = undiciUtil.headerNameToString(raw[i]!);
    if (isHopByHop(name) || name === 'set-cookie' || name.startsWith('access-control-') || listed?.includes(name)) continue;
    const value = raw[i + 1]!.toString('latin1');
    if (name === 'content-length') contentLength = Number(value);
    if (!fromUpstream.includes(name)) {
      fromUpstream.push(name);
      headers[name] = value;
    } else {
      const before = headers[name]!;
      headers[name] = Array.isArray(before) ? [...before, value] : [String(before), value];
    }
  }
  return { headers, contentLength };
}

/**
 * The console's own response headers (CORS, Vary) under the apiserver's: the apiserver's win,
 * except Vary, which names what both answers depend on.
 */
export function withOwnHeaders(own: OutgoingHttpHeaders, upstream: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const headers = Object.assign(Object.create(null) as OutgoingHttpHeaders, own, upstream);
  if (own.vary !== undefined && upstream.vary !== undefined) headers.vary = [own.vary, upstream.vary].flat().join(', ');
  return headers;
}

/**
 * Sends the request on and writes the apiserver's answer to `res`: a small answer of known
 * length as one write of headers and body, anything else (a watch, a big or chunked list) with
 * the headers at once and the body as it arrives, never buffered whole, pausing the upstream
 * while the client is slow. `answerHeaders` runs just before the status is written and gives the
 * console's own response headers. Resolves with the upstream failure when nothing was written
 * (the apiserver could not be reached, or a small answer broke off before its end: the caller
 * answers it), else with null once the answer ended or the client left.
 */
export function forwardToCluster(req: IncomingMessage, res: ServerResponse, fwd: Forwarding, answerHeaders: () => OutgoingHttpHeaders): Promise<UpstreamError | null> {
  return new Promise((resolve) => new ProxyExchange(req, res, fwd, answerHeaders, resolve).start());
}

const NO_HEADERS: OutgoingHttpHeaders = Object.freeze({});

function isEmpty(headers: OutgoingHttpHeaders): boolean {
  for (const name in headers) if (Object.hasOwn(headers, name)) return false;
  return true;
}

/** What a streamed answer may hold buffered for a slow client before the apiserver is paused. */
const STREAM_BUFFER_BYTES = 256 * 1024;

/** Sends what the exchange's response holds corked (after this turn of the event loop, or before its end). */
function uncork(exchange: ProxyExchange): void {
  if (!exchange.corked) return;
  exchange.corked = false;
  exchange.res.uncork();
}

/** undici's (legacy, native in 7.x) dispatch handler for one proxied exchange. */
class ProxyExchange implements Dispatcher.DispatchHandler {
  private abortUpstream: ((reason: Error) => void) | null = null;
  private clientGone = false;
  private settled = false;
  /** the client's response has begun (its status and headers were written) */
  private responding = false;
  /** collected small body; null once the body streams to the client as it comes */
  private chunks: Buffer[] | null = [];
  private statusCode = 0;
  /** the apiserver's headers that cross */
  private upstreamHeaders: OutgoingHttpHeaders = NO_HEADERS;
  private resumeUpstream: (() => void) | null = null;
  /** the client's connection, watched for its close while the exchange runs */
  private clientSocket: Socket | null = null;
  /** unregisters a streamed answer from the re-checks (Forwarding.onStreaming) */
  private forgetStream: (() => void) | null = null;
  /** the response is corked until this turn of the event loop is over */
  corked = false;

  constructor(
    private readonly req: IncomingMessage,
    readonly res: ServerResponse,
    private readonly fwd: Forwarding,
    private readonly answerHeaders: () => OutgoingHttpHeaders,
    private readonly resolve: (failure: UpstreamError | null) => void,
  ) {}

  start(): void {
    const { endpoint, method } = this.fwd;
    // The client may have left while the caller was checking the request: its close was emitted
    // already, and writes to a destroyed response never fill up, so nothing would stop the upstream.
    const socket = this.req.socket as Socket | null; // Node drops it once the request is destroyed
    if (!socket || socket.destroyed || this.res.destroyed) {
      this.clientGone = true;
      return this.settle(null);
    }
    this.res.on('close', this.onClientClose);
    // A pipelined request's response waits without a socket (res.socket is null until the answers
    // before it are done) and never sees the connection close: it watches the connection itself.
    if (!this.res.socket) {
      this.clientSocket = socket;
      socket.on('close', this.onClientClose);
    }
    const headers = endpoint.authorization ? { ...this.fwd.headers, authorization: endpoint.authorization } : this.fwd.headers;
    const opts: Dispatcher.DispatchOptions = {
      origin: endpoint.origin,
      // Joined as strings: a path starting with "//" must stay a path.
      path: `${endpoint.basePath}${this.fwd.target}`,
      method: method as Dispatcher.HttpMethod,
      headers: headers as Dispatcher.DispatchOptions['headers'],
      headersTimeout: this.fwd.timeoutMs,
      bodyTimeout: 0,
    };
    const hasBody = this.req.headers['content-length'] !== undefined || this.req.headers['transfer-encoding'] !== undefined;
    if (hasBody && method !== 'GET' && method !== 'HEAD') opts.body = this.req;
    endpoint.dispatcher.dispatch(opts, this);
  }

  /** The client closed its side: before the answer ended, the upstream request stops too. */
  private readonly onClientClose = (): void => {
    if (this.res.writableFinished) return;
    this.clientGone = true;
    this.abortUpstream?.(new Error('the client went away'));
  };

  onConnect(abort: (reason?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.clientGone) abort(new Error('the client went away'));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true; // informational (103 Early Hints): the final answer follows
    const { headers, contentLength } = forwardedResponseHeaders(rawHeaders);
    this.statusCode = statusCode;
    this.upstreamHeaders = headers;
    // collected, then written whole on completion (a failure before then is still answered 502)
    if (contentLength <= SMALL_BODY_BYTES) return true;
    this.chunks = null;
    this.respond();
    // a watch's first event may come much later: the client gets the headers now
    if (Number.isNaN(contentLength)) this.res.flushHeaders();
    this.resumeUpstream = resume;
    this.res.on('drain', resume);
    if (this.fwd.onStreaming) this.forgetStream = this.fwd.onStreaming(this.revoke);
    return true;
  }

  /** Access to a streamed answer was revoked: it is cut off (the client sees it end early, and is refused when it asks again). */
  private readonly revoke = (reason: string): void => {
    if (this.settled) return;
    this.fwd.log.info({ cluster: this.fwd.clusterId, reason }, 'proxied stream ended: access revoked');
    this.clientGone = true;
    this.res.destroy();
    this.abortUpstream?.(new Error(reason));
  };

  onData(chunk: Buffer): boolean {
    if (this.chunks) {
      this.chunks.push(chunk);
      return true;
    }
    // Chunks come one TLS record (up to 16 KiB) at a time: corked until the event loop has
    // handled everything its poll gave it (setImmediate), they leave in one write, not one each
    // (a 19 MB list: ~75 writes instead of ~1200).
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
      setImmediate(uncork, this);
    }
    this.res.write(chunk);
    // false pauses the upstream until the client drained ('drain' calls resume); while corked,
    // write() says false past 16 KiB, so the bound is the buffered length instead
    return this.res.writableLength < STREAM_BUFFER_BYTES;
  }

  /** Writes the status and headers: the console's own (answerHeaders), the apiserver's over them. */
  private respond(): void {
    this.responding = true;
    const own = this.answerHeaders();
    const headers = isEmpty(own) ? this.upstreamHeaders : withOwnHeaders(own, this.upstreamHeaders);
    this.res.writeHead(this.statusCode, headers);
  }

  onComplete(): void {
    if (this.chunks) {
      this.respond();
      this.res.end(this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks));
    } else {
      uncork(this);
      this.res.end();
    }
    this.settle(null);
  }

  onError(err: Error): void {
    if (this.settled) return;
    if (this.clientGone) return this.settle(null); // nobody left to answer
    if (!this.responding) {
      const failure = classifyUpstreamFailure(this.fwd.endpoint, err, this.fwd.timeoutMs);
      this.fwd.log.warn({ cluster: this.fwd.clusterId, code: failure.code, cause: failure.message }, 'cluster request failed');
      return this.settle(failure);
    }
    // the answer broke off after its status went out: the client sees it end early
    this.fwd.log.debug({ cluster: this.fwd.clusterId, err: err.message }, 'proxied stream ended early');
    uncork(this);
    this.res.destroy();
    this.settle(null);
  }

  private settle(failure: UpstreamError | null): void {
    this.settled = true;
    this.res.off('close', this.onClientClose);
    this.clientSocket?.off('close', this.onClientClose);
    this.forgetStream?.();
    if (this.resumeUpstream) this.res.off('drain', this.resumeUpstream);
    this.resolve(failure);
  }
}
