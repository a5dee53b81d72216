// pino options for the app: secrets never reach a log line. Fastify's request serializer already
// omits headers and bodies; the redaction paths cover anything a plugin logs by hand.
import type { FastifyServerOptions } from 'fastify';
import type { LogLevel } from '../config/app-config.js';

const SECRET_KEYS = [
  'authorization',
  'cookie',
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'kubeconfig',
  'credentials',
  'caPem',
  'clientKeyPem',
  'clientCertPem',
  'secret',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
];

export function loggerOptions(level: LogLevel): NonNullable<FastifyServerOptions['logger']> {
  return { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
}
