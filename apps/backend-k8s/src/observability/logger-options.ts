// pino options for the app: secrets never reach a log line. Fastify's request serializer already
// omits headers and bodies; the scrub below covers anything a plugin logs by hand.
//
// Why a log formatter and not pino's `redact` paths: secrets can sit at any depth of what is
// logged, which takes wildcard paths (`*.token`, `*.*.token`), and pino runs those on every
// binding of every child logger, one per request, costing ~10 µs of each proxied request even
// when nothing is logged. The formatter runs only for lines that are written, and at any depth.
import type { FastifyServerOptions } from 'fastify';
import type { LogLevel } from '../config/app-config.js';

export const CENSOR = '[redacted]';

/** Keys whose values are never logged, compared case-insensitively, at any depth. */
const SECRET_KEYS = new Set(
  [
    'authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'sec-websocket-protocol', // carries the console token for WebSockets
    'password',
    'newPassword',
    'currentPassword',
    'token',
    'accessToken',
    'refreshToken',
    'kubeconfig',
    'credentials',
    'caPem',
    'clientKeyPem',
    'clientCertPem',
    'secret',
  ].map((k) => k.toLowerCase()),
);

/** Deeper than anything the console logs; a deeper value is replaced rather than left unread. */
const MAX_DEPTH = 6;

function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}

/** Plain data and errors are looked into; other instances (requests, buffers) have serializers. */
function isScanned(value: object): boolean {
  if (Array.isArray(value) || value instanceof Error) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `value` itself when it holds no secret, else a copy with every secret replaced by CENSOR. */
export function scrubSecrets<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== 'object' || !isScanned(value)) return value;
  if (depth >= MAX_DEPTH) return CENSOR as T;
  let copy: Record<string, unknown> | unknown[] | null = null;
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const item = source[key];
    const scrubbed = isSecretKey(key) && item !== undefined && item !== null ? CENSOR : scrubSecrets(item, depth + 1);
    if (scrubbed === item) continue;
    copy ??= copyOf(value as object);
    (copy as Record<string, unknown>)[key] = scrubbed;
  }
  return (copy ?? value) as T;
}

function copyOf(value: object): Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return [...(value as unknown[])];
  if (value instanceof Error) {
    // Keeps the class (pino's err serializer reads type, message and stack) without the secret.
    const copy = Object.create(Object.getPrototypeOf(value) as object) as Error & Record<string, unknown>;
    Object.assign(copy, value);
    copy.message = value.message;
    if (value.stack) copy.stack = value.stack;
    return copy;
  }
  return { ...(value as Record<string, unknown>) };
}

/** Fastify's logger options (pino's, with its destination chosen by Fastify). */
export type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>;

export function loggerOptions(level: LogLevel): LoggerOptions {
  return { level, formatters: { log: (object: Record<string, unknown>) => scrubSecrets(object) } };
}

/**
 * A child logger whose bound fields are scrubbed like every line. pino writes a child's bindings
 * into each of its lines without the log formatter, and its root `bindings` formatter does not
 * reach children; so the console makes children only through here (a lint rule says so).
 */
export function childLogger<L extends { child(bindings: Record<string, unknown>): L }>(log: L, bindings: Record<string, unknown>): L {
  // eslint-disable-next-line no-restricted-syntax -- the one place children are made
  return log.child(scrubSecrets(bindings));
}
