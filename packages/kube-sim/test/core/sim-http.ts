// A tiny HTTPS client for tests: talks to a kube-sim with its CA and token, raw, so tests see
// exactly what the server sends.
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { KubeSim } from '../../src/index.js';

export interface SimResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  token?: string | null;
}

function open(sim: KubeSim, method: string, path: string, opts: RequestOptions, onResponse: (res: IncomingMessage) => void, onError: (err: Error) => void) {
  const url = new URL(path, sim.url);
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  const token = opts.token === undefined ? sim.token : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (opts.body !== undefined) {
    payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
    // Node frames a DELETE body only with an explicit length (it does not chunk DELETE by default)
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers, ca: sim.caPem, agent: false }, onResponse);
  req.on('error', onError);
  req.end(payload);
  return req;
}

export function simRequest(sim: KubeSim, method: string, path: string, opts: RequestOptions = {}): Promise<SimResponse> {
  return new Promise((resolve, reject) => {
    open(sim, method, path, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    }, reject);
  });
}

export interface WatchHandle {
  /** resolves with the status and headers as soon as they arrive */
  headers: Promise<{ status: number; headers: IncomingHttpHeaders }>;
  /** every parsed event so far */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  events: any[];
  /** resolves when the server ends the stream (or it breaks) */
  ended: Promise<'end' | 'error'>;
  /** waits until `count` events have arrived */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  waitFor(count: number): Promise<any[]>;
  close(): void;
}

export function simWatch(sim: KubeSim, path: string, opts: RequestOptions = {}): WatchHandle {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const events: any[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let resolveHeaders!: (v: { status: number; headers: IncomingHttpHeaders }) => void;
  let resolveEnded!: (v: 'end' | 'error') => void;
  const headers = new Promise<{ status: number; headers: IncomingHttpHeaders }>((r) => (resolveHeaders = r));
  const ended = new Promise<'end' | 'error'>((r) => (resolveEnded = r));
  let buffer = '';
  const req = open(sim, 'GET', path, opts, (res) => {
    resolveHeaders({ status: res.statusCode ?? 0, headers: res.headers });
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim()) events.push(JSON.parse(line));
      }
      for (const w of [...waiters]) if (events.length >= w.count) w.resolve();
    });
    res.on('end', () => resolveEnded('end'));
    res.on('error', () => resolveEnded('error'));
    res.on('aborted', () => resolveEnded('error'));
  }, () => resolveEnded('error'));
  return {
    headers,
    events,
    ended,
    waitFor: (count) => new Promise((resolve, reject) => {
      if (events.length >= count) return resolve(events);
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${count} watch events, got ${JSON.stringify(events)}`)), 10_000);
      waiters.push({ count, resolve: () => {
        clearTimeout(timer);
        resolve(events);
      } });
    }),
    close: () => req.destroy(),
  };
}
