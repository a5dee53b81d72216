// Test-only: the streams plugin on a real listening Fastify server in front of a real kube-sim,
// plus a WebSocket client that records what the browser would see.
import { LOG_STREAM_PROTOCOL, type StreamServerControl } from '@k8s-console/contracts';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import https from 'node:https';
import { Registry } from 'prom-client';
import WebSocket from 'ws';
import { tokenProtocol } from '../../auth/websocket-token.js';
import type { ClusterConnection } from '../../clusters/credentials.js';
import { errorHandlerPlugin } from '../../errors/error-handler.js';
import type { Authorizer, ResourceAttributes, Subject } from '../../rbac/authorizer.js';
import { MemoryExecRecorder, streamsPlugin, type StreamLimits } from '../index.js';

export interface SimHandle {
  url: string;
  token: string;
  caPem?: string;
  stop(): Promise<void>;
}

export const USERS: Record<string, Subject> = {
  'alice-token': { userId: 'u-alice', username: 'alice', groups: ['ops'] },
  'bob-token': { userId: 'u-bob', username: 'bob', groups: [] },
};

/** alice may do anything; bob may read logs but not exec */
export const testAuthorizer: Authorizer = {
  async authorizeResource(subject: Subject, a: ResourceAttributes) {
    if (subject.username === 'bob' && a.subresource === 'exec') return { allowed: false, reason: 'bob may not create pods/exec' };
    return { allowed: true };
  },
  async authorizeNonResource() {
    return { allowed: true };
  },
};

export interface StreamHarness {
  app: FastifyInstance;
  baseUrl: string;
  wsUrl: string;
  cluster: ClusterConnection;
  recorder: MemoryExecRecorder;
  registry: Registry;
  close(): Promise<void>;
}

export async function startStreamHarness(
  sim: SimHandle,
  limits: Partial<StreamLimits> = {},
  /** a built page to serve at / (the browser test's harness page) */
  staticDir?: string,
): Promise<StreamHarness> {
  const cluster: ClusterConnection = {
    id: 'sim',
    name: 'sim',
    version: 1,
    credentials: { server: sim.url, token: sim.token, ...(sim.caPem ? { caPem: sim.caPem } : {}) },
  };
  const recorder = new MemoryExecRecorder();
  const registry = new Registry();
  // the same validation settings and error shapes as buildApp
  const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } } });
  await app.register(errorHandlerPlugin);
  await app.register(streamsPlugin, {
    authenticate: (token) => USERS[token] ?? null,
    authorizer: testAuthorizer,
    clusters: { get: (id) => (id === 'sim' ? cluster : null) },
    recorder,
    limits: { idleTimeoutMs: 0, execSessionsPerUser: 10, logStreamsPerUser: 20, logSourcesPerStream: 50, ...limits },
    metricsRegistry: registry,
  });
  if (staticDir) await app.register(fastifyStatic, { root: staticDir });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    cluster,
    recorder,
    registry,
    close: () => app.close(),
  };
}

/** A JSON request to kube-sim with its own token (to create pods, deployments, patches). */
export function simRequest<T = unknown>(sim: SimHandle, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: T }> {
  const url = new URL(path, sim.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method,
      ca: sim.caPem,
      headers: {
        authorization: `Bearer ${sim.token}`,
        accept: 'application/json',
        ...(payload ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}),
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body: parsed as T });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Waits until `check` returns a truthy value, polling; fails with `what` after `timeoutMs`. */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface RecordedSocket {
  ws: WebSocket;
  /** binary frames, in order */
  data: Buffer[];
  controls: StreamServerControl[];
  closed: Promise<{ code: number; reason: string }>;
  text(): string;
  bytes(): number;
}

/** Opens a stream socket the way the browser does: real protocol plus the token carrier. */
export function openRecorded(url: string, token: string | null, protocol = LOG_STREAM_PROTOCOL): Promise<RecordedSocket> {
  const protocols = token ? [protocol, tokenProtocol(token)] : [protocol];
  const ws = new WebSocket(url, protocols);
  const rec: RecordedSocket = {
    ws,
    data: [],
    controls: [],
    closed: new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
    text: () => Buffer.concat(rec.data).toString('utf8'),
    bytes: () => rec.data.reduce((n, b) => n + b.length, 0),
  };
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) rec.data.push(data);
    else rec.controls.push(JSON.parse(data.toString('utf8')) as StreamServerControl);
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(rec));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') })));
    });
    ws.once('error', reject);
  });
}
