// Dispatches every HTTP request and WebSocket upgrade of a kube-sim: bearer-token auth, injected
// faults, discovery, resource verbs, and the subresources other modules plug in (pods/log, pods/exec).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { readFileSync } from 'node:fs';
import { internalError, methodNotAllowed, notAcceptable, pathNotFound, StatusError, toStatusError, unauthorized } from '../errors/status-error.js';
import type { Faults } from '../faults.js';
import { storageKey, type ResourceDef } from '../resources/resource-def.js';
import type { ResourceRef } from '../resources/resource-registry.js';
import type { ObjectStore } from '../store/object-store.js';
import { negotiate } from './content-negotiation.js';
import { aggregatedContentType, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { sendJson, sendStatus } from './http-io.js';
import { openApiV2Json, openApiV2Protobuf, openApiV2ProtobufType, openApiV3Document, openApiV3Index } from './openapi.js';
import { parseRequestPath, type ResourceRequest } from './request-info.js';
import type { ResourceContext } from './request-context.js';
import {
  handleCreate, handleDelete, handleDeleteCollection, handleGet, handleList, handlePatch, handleScale, handleUpdate,
} from './resource-handlers.js';
import { serveWatch, WatchRegistry } from './watch-stream.js';

const version = JSON.parse(readFileSync(new URL('../reference/version.json', import.meta.url), 'utf8')) as Record<string, string>;

/** Serves one subresource (any method) of one resource, e.g. pods/log. */
export type SubresourceHandler = (req: IncomingMessage, res: ServerResponse, ctx: ResourceContext) => void | Promise<void>;
/** Takes over a WebSocket upgrade of one subresource, e.g. pods/exec; auth has already passed. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, ctx: ResourceContext) => void | Promise<void>;

export interface ApiRouterOptions {
  store: ObjectStore;
  token: string;
  faults: Faults;
  serverAddress: () => string;
  bookmarkIntervalMs: number;
  watches: WatchRegistry;
  /** requests without credentials are served (a wrong token is still refused) */
  allowAnonymous?: boolean;
  /** one stderr line per request: method, path and query, status, duration (never headers or bodies) */
  logRequests?: boolean;
}

function logWhenFinished(req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  res.once('close', () => {
    const ms = (performance.now() - started).toFixed(1);
    console.error(`kube-sim: ${req.method} ${req.url} ${res.statusCode} ${ms}ms`);
  });
}

/** Paths a real apiserver serves without credentials (system:public-info-viewer). */
const publicPaths = new Set(['/healthz', '/readyz', '/livez', '/version']);

const TOKEN_PROTOCOL = 'base64url.bearer.authorization.k8s.io.';

export class ApiRouter {
  readonly watches: WatchRegistry;
  private readonly subresources = new Map<string, SubresourceHandler>();
  private readonly upgrades = new Map<string, UpgradeHandler>();
  private readonly tokenBytes: Buffer;

  constructor(private readonly opts: ApiRouterOptions) {
    this.tokenBytes = Buffer.from(opts.token);
    this.watches = opts.watches;
  }

  /** Plugs in a subresource: `router.addSubresource('pods', 'log', handler)`. */
  addSubresource(resource: ResourceRef, subresource: string, handler: SubresourceHandler): void {
    this.subresources.set(`${storageKey(this.opts.store.resolve(resource))}/${subresource}`, handler);
  }

  /** Plugs in a WebSocket subresource: `router.addUpgradeSubresource('pods', 'exec', handler)`. */
  addUpgradeSubresource(resource: ResourceRef, subresource: string, handler: UpgradeHandler): void {
    this.upgrades.set(`${storageKey(this.opts.store.resolve(resource))}/${subresource}`, handler);
  }

  private tokenMatches(candidate: string): boolean {
    const given = Buffer.from(candidate);
    return given.length === this.tokenBytes.length && timingSafeEqual(given, this.tokenBytes);
  }

  /** 'ok', 'missing' or 'wrong', from the Authorization header or the WebSocket bearer subprotocol. */
  private authenticate(req: IncomingMessage): 'ok' | 'missing' | 'wrong' {
    const header = req.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(.+)$/i.exec(header.trim());
      return m && this.tokenMatches(m[1] ?? '') ? 'ok' : 'wrong';
    }
    const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const offered = protocols.find((p) => p.startsWith(TOKEN_PROTOCOL));
    if (offered) {
      const token = Buffer.from(offered.slice(TOKEN_PROTOCOL.length), 'base64url').toString('utf8');
      return this.tokenMatches(token) ? 'ok' : 'wrong';
    }
    return 'missing';
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.opts.logRequests) logWhenFinished(req, res);
    try {
      const faults = this.opts.faults;
      if (faults.current.unreachable) {
        req.socket.destroy();
        return;
      }
      if (faults.current.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.current.latencyMs));
      const url = new URL(req.url ?? '/', 'http://kube-sim');
      const auth = this.authenticate(req);
      if (auth === 'wrong' || (auth === 'missing' && !this.opts.allowAnonymous && !publicPaths.has(url.pathname))) throw unauthorized();
      if (faults.shouldFail()) throw internalError('injected fault (kube-sim errorRate)');
      await this.route(req, res, url);
    } catch (err) {
      const status = toStatusError(err);
      if (status.code === 500 && !(err instanceof StatusError)) console.error('kube-sim: unexpected error', err);
      sendStatus(res, status);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const registry = this.opts.store.registry;
    if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (path === '/version') return sendJson(res, 200, version);
    if (path === '/openapi/v2') {
      if ((req.headers.accept ?? '').includes('protobuf')) {
        const body = openApiV2Protobuf();
        res.writeHead(200, { 'Content-Type': openApiV2ProtobufType, 'Content-Length': body.length });
        res.end(body);
        return;
      }
      return sendJson(res, 200, openApiV2Json());
    }
    if (path === '/openapi/v3') return sendJson(res, 200, openApiV3Index(registry));
    if (path.startsWith('/openapi/v3/')) {
      const doc = openApiV3Document(registry, path.slice('/openapi/v3/'.length));
      if (!doc) throw pathNotFound();
      return sendJson(res, 200, doc);
    }
    const info = parseRequestPath(path);
    if (info.kind === 'other') throw pathNotFound();
    if (info.kind === 'discovery') {
      if (req.method !== 'GET') throw methodNotAllowed();
      if (info.group === undefined || (info.root === 'api' && info.version === undefined)) {
        const rep = negotiate(req.headers.accept, { discovery: true });
        if (rep?.kind === 'aggregated-discovery') {
          return sendJson(res, 200, aggregatedDiscovery(registry, info.root, rep.version), aggregatedContentType(rep.version));
        }
        if (!rep) throw notAcceptable();
        res.setHeader('Vary', 'Accept');
        return sendJson(res, 200, info.root === 'api' ? apiVersions(this.opts.serverAddress()) : apiGroupList(registry));
      }
      if (info.version === undefined) {
        const body = apiGroup(registry, info.group);
        if (!body) throw pathNotFound();
        return sendJson(res, 200, body);
      }
      const body = apiResourceList(registry, info.group, info.version);
      if (!body) throw pathNotFound();
      return sendJson(res, 200, body);
    }
    const ctx = this.resourceContext(req, url, info);
    await this.serveResource(req, res, ctx, info);
  }

  private resourceContext(req: IncomingMessage, url: URL, info: ResourceRequest): ResourceContext {
    const def: ResourceDef | undefined = this.opts.store.registry.lookup(info.group, info.version, info.resource);
    if (!def || (info.namespace !== undefined && !def.namespaced)) throw pathNotFound();
    // a namespaced resource is served across namespaces only as a collection (list and watch): a
    // real apiserver has no route for /api/v1/pods/{name}
    if (def.namespaced && info.namespace === undefined && info.name !== undefined) throw pathNotFound();
    return {
      store: this.opts.store,
      def,
      version: info.version,
      namespace: def.namespaced ? info.namespace : undefined,
      name: info.name,
      subresource: info.subresource,
      query: url.searchParams,
      req,
    };
  }

  private async serveResource(req: IncomingMessage, res: ServerResponse, ctx: ResourceContext, info: ResourceRequest): Promise<void> {
    const method = req.method ?? 'GET';
    const watch = info.watchPath || ['1', 'true'].includes(ctx.query.get('watch') ?? '');
    if (ctx.subresource) {
      if (!ctx.name) throw pathNotFound();
      const hook = this.subresources.get(`${storageKey(ctx.def)}/${ctx.subresource}`);
      if (hook) return hook(req, res, ctx);
      if (ctx.subresource === 'status' && ctx.def.subresources.some((s) => s.subresource === 'status')) {
        if (method === 'GET') return handleGet(ctx, res);
        if (method === 'PUT') return handleUpdate(ctx, res, 'status');
        if (method === 'PATCH') return handlePatch(ctx, res, 'status');
        throw methodNotAllowed();
      }
      if (ctx.subresource === 'scale' && ctx.def.subresources.some((s) => s.subresource === 'scale')) return handleScale(ctx, res);
      throw pathNotFound();
    }
    if (watch) {
      if (method !== 'GET') throw methodNotAllowed();
      const rep = negotiate(req.headers.accept, { table: true });
      if (!rep) throw notAcceptable();
      serveWatch(ctx, res, rep, this.watches, { bookmarkIntervalMs: this.opts.bookmarkIntervalMs });
      return;
    }
    if (!ctx.name) {
      if (method === 'GET') return handleList(ctx, res);
      // across namespaces only list and watch are served: no create, no deletecollection of every namespace
      if (ctx.def.namespaced && ctx.namespace === undefined) throw methodNotAllowed();
      if (method === 'POST') return handleCreate(ctx, res);
      if (method === 'DELETE') return handleDeleteCollection(ctx, res);
      throw methodNotAllowed();
    }
    if (method === 'GET') return handleGet(ctx, res);
    if (method === 'PUT') return handleUpdate(ctx, res);
    if (method === 'PATCH') return handlePatch(ctx, res);
    if (method === 'DELETE') return handleDelete(ctx, res);
    throw methodNotAllowed();
  }

  /** WebSocket upgrades: only plugged-in subresources (pods/exec, pods/attach...) accept them. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const refuse = (err: StatusError): void => {
      const body = JSON.stringify(err.toStatus());
      socket.end(`HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    try {
      if (this.opts.faults.current.unreachable) {
        socket.destroy();
        return;
      }
      const auth = this.authenticate(req);
      if (auth === 'wrong' || (auth === 'missing' && !this.opts.allowAnonymous)) return refuse(unauthorized());
      const url = new URL(req.url ?? '/', 'http://kube-sim');
      const info = parseRequestPath(url.pathname);
      if (info.kind !== 'resource' || !info.subresource || !info.name) return refuse(pathNotFound());
      const ctx = this.resourceContext(req, url, info);
      const hook = this.upgrades.get(`${storageKey(ctx.def)}/${info.subresource}`);
      if (!hook) return refuse(pathNotFound());
      await hook(req, socket, head, ctx);
    } catch (err) {
      refuse(toStatusError(err));
    }
  }
}
