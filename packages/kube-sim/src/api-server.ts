// The API server half of a kube-sim: HTTPS (or HTTP) with a bearer token, the object store,
// fault injection and the router, without controllers. startKubeSim adds the runtime on top;
// tests of pure API behaviour may start this alone.
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ApiRouter } from './api/api-router.js';
import { WatchRegistry } from './api/watch-stream.js';
import { Faults } from './faults.js';
import { buildKubeconfig } from './kubeconfig.js';
import { ObjectStore } from './store/object-store.js';
import { generateServingCertificate } from './tls/self-signed-certificate.js';
import type { KubeSimRuntime, RuntimeOptions } from './runtime/index.js';

/** The runtime options (seed, timing, log rate) apply only through startKubeSim. */
export interface KubeSimOptions extends RuntimeOptions {
  /** interface to listen on (default 127.0.0.1) */
  host?: string;
  /** 0 (the default) picks a free port */
  port?: number;
  /** serve HTTPS with a generated self-signed certificate (default true) */
  https?: boolean;
  /** the bearer token clients must send (default: random) */
  token?: string;
  /** 'empty' (default), 'demo' or 'scale:<pods>'; applied by the runtime */
  seed?: string;
  /** events kept per resource for resuming watches; a watch from an older resourceVersion gets 410 Gone (default 10000) */
  watchWindow?: number;
  /** how long a new pod stays Pending before it runs (runtime) */
  podStartDelayMs?: number;
  /** interval of BOOKMARK events on watches that allow them (default 60000) */
  bookmarkIntervalMs?: number;
  /**
   * Serve requests that carry no credentials (a wrong token is still refused). kubectl sends no
   * credentials over plain HTTP, so `https: false` with kubectl needs this.
   */
  allowAnonymous?: boolean;
  /** log one line per request to stderr (method, URL, status, duration); default: env KUBE_SIM_LOG=1 */
  logRequests?: boolean;
}

export interface KubeSim {
  /** e.g. https://127.0.0.1:41234 */
  url: string;
  token: string;
  /** the serving certificate, which is its own CA; absent over plain HTTP */
  caPem?: string;
  store: ObjectStore;
  faults: Faults;
  /** where other modules plug in subresources (pods/log, pods/exec) */
  router: ApiRouter;
  /** a kubeconfig YAML for this sim with inline CA and token; the context and cluster are named contextName */
  kubeconfig(contextName?: string): string;
  /** controllers, logs and exec; set by startKubeSim, absent on a bare startApiServer */
  runtime?: KubeSimRuntime;
  /** registers cleanup to run on stop (timers of controllers and the like) */
  onStop(fn: () => void | Promise<void>): void;
  stop(): Promise<void>;
}

/** Namespaces every cluster has. */
const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function startApiServer(opts: KubeSimOptions = {}): Promise<KubeSim> {
  const host = opts.host ?? '127.0.0.1';
  const https = opts.https ?? true;
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const store = new ObjectStore({ watchWindow: opts.watchWindow });
  for (const name of systemNamespaces) store.create('namespaces', { metadata: { name } });

  const sockets = new Set<Socket>();
  const watches = new WatchRegistry();
  const faults = new Faults({
    dropWatches: (reset) => watches.dropAll(reset),
    closeConnections: () => {
      for (const s of sockets) s.destroy();
    },
  });
  let serverAddress = '';
  const apiRouter = new ApiRouter({
    store,
    watches,
    token,
    faults,
    serverAddress: () => serverAddress,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
    allowAnonymous: opts.allowAnonymous ?? false,
    logRequests: opts.logRequests ?? process.env.KUBE_SIM_LOG === '1',
  });
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    void apiRouter.handle(req, res);
  };
  let caPem: string | undefined;
  let server: Server;
  if (https) {
    const cert = await generateServingCertificate([host]);
    caPem = cert.certPem;
    server = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, handler);
  } else server = createHttpServer(handler);
  server.keepAliveTimeout = 30_000;
  server.requestTimeout = 0;
  // the TCP connection, before any TLS handshake: an unreachable server refuses it at once
  server.on('connection', (socket: Socket) => {
    if (faults.current.unreachable) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    void apiRouter.handleUpgrade(req, socket, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  serverAddress = `${urlHost}:${port}`;
  const url = `${https ? 'https' : 'http'}://${serverAddress}`;

  const cleanups: (() => void | Promise<void>)[] = [];
  let stopped = false;
  const sim: KubeSim = {
    url,
    token,
    ...(caPem ? { caPem } : {}),
    store,
    faults,
    router: apiRouter,
    kubeconfig: (contextName = 'kube-sim') => buildKubeconfig({ url, token, caPem, contextName }),
    onStop: (fn) => {
      cleanups.push(fn);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const fn of cleanups.reverse()) await fn();
      apiRouter.watches.dropAll(true);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
  return sim;
}

