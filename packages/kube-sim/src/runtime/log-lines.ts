// Deterministic, realistic container log lines. Line i of a container instance is a pure function
// of (seed, i), so tailLines/sinceSeconds/previous need no stored history and any rate costs no memory.

export type LogStyle = 'nginx' | 'redis' | 'app' | 'json' | 'exporter';

export interface LogLineSource {
  /** identifies one container instance (pod uid, container name, restart number) */
  seed: string;
  style: LogStyle;
  /** the instance crashes: its last lines are a fatal error */
  crashing?: boolean;
}

export function styleForImage(image: string): LogStyle {
  const name = image.split('/').pop()?.split(':')[0] ?? '';
  if (name.includes('nginx') || name.includes('ingress') || name.includes('httpd')) return 'nginx';
  if (name.includes('redis')) return 'redis';
  if (name.includes('exporter') || name.includes('prometheus')) return 'exporter';
  if (name.includes('api') || name.includes('worker')) return 'json';
  return 'app';
}

export function hashSeed(text: string): number {
  // FNV-1a: stable across runs and platforms
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A tiny PRNG (mulberry32) seeded per line. */
function lineRandom(seed: number, index: number): () => number {
  let a = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;

const PATHS = ['/', '/api/products', '/api/products/42', '/api/cart', '/api/orders', '/healthz', '/static/app.js',
  '/static/app.css', '/api/users/me', '/login', '/api/search?q=shoes', '/favicon.ico', '/metrics'];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15', 'kube-probe/1.32', 'curl/8.5.0',
  'Prometheus/2.53.0'];
const MODULES = ['http', 'db', 'cache', 'auth', 'queue', 'scheduler', 'grpc'];
const INFO_MSGS = ['request completed', 'connection pool stats', 'cache hit', 'token refreshed', 'job dispatched',
  'health check ok', 'config reloaded', 'processed batch'];
const WARN_MSGS = ['slow query detected', 'retrying upstream request', 'cache miss storm', 'deprecated header used'];
const ERROR_MSGS = ['upstream timed out', 'connection reset by peer', 'failed to decode payload', 'deadline exceeded'];
const REDIS_MSGS = ['DB saved on disk', 'Background saving started by pid 42', 'Background saving terminated with success',
  '100 changes in 300 seconds. Saving...', 'Accepted 10.244.1.7:51234', 'Client closed connection'];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => (n < 10 ? '0' : '') + n;
const pad3 = (n: number) => (n < 10 ? '00' : n < 100 ? '0' : '') + n;

// Formatting a date per line dominates the cost at high rates; lines in the same millisecond share it.
let isoCacheMs = -1;
let isoCache = '';
function iso(ms: number): string {
  if (ms !== isoCacheMs) {
    isoCacheMs = ms;
    isoCache = new Date(ms).toISOString();
  }
  return isoCache;
}

function clf(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
}

function redisTime(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${pad3(d.getUTCMilliseconds())}`;
}

const GREEN = '\x1b[32m';
const YELLOW = '\x1b[33m';
const RED = '\x1b[31m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

function level(rnd: () => number): 'info' | 'warn' | 'error' | 'debug' {
  const r = rnd();
  return r < 0.8 ? 'info' : r < 0.9 ? 'debug' : r < 0.97 ? 'warn' : 'error';
}

function ip(rnd: () => number): string {
  return `10.244.${Math.floor(rnd() * 4)}.${2 + Math.floor(rnd() * 250)}`;
}

/** The text of line `index` (no newline) of a container instance, logged at time `ms`. */
export function logLine(src: LogLineSource, seed: number, index: number, ms: number): string {
  const rnd = lineRandom(seed, index);
  if (index === 0) return startupLine(src.style, ms);
  switch (src.style) {
    case 'nginx': {
      const status = rnd() < 0.9 ? 200 : pick(rnd, [301, 304, 404, 499, 502]);
      return `${ip(rnd)} - - [${clf(ms)}] "${pick(rnd, METHODS)} ${pick(rnd, PATHS)} HTTP/1.1" ${status} ${200 + Math.floor(rnd() * 9000)} "-" "${pick(rnd, AGENTS)}" ${(rnd() * 0.2).toFixed(3)}`;
    }
    case 'redis': {
      const mark = rnd() < 0.1 ? '#' : '*';
      return `1:M ${redisTime(ms)} ${mark} ${pick(rnd, REDIS_MSGS)}`;
    }
    case 'json': {
      const lv = level(rnd);
      const msg = lv === 'warn' ? pick(rnd, WARN_MSGS) : lv === 'error' ? pick(rnd, ERROR_MSGS) : pick(rnd, INFO_MSGS);
      return `{"level":"${lv}","ts":"${iso(ms)}","logger":"${pick(rnd, MODULES)}","msg":"${msg}","method":"${pick(rnd, METHODS)}","path":"${pick(rnd, PATHS)}","duration_ms":${Math.floor(rnd() * 250)},"request_id":"${Math.floor(rnd() * 0xffffffff).toString(16).padStart(8, '0')}"}`;
    }
    case 'exporter':
      return `ts=${iso(ms)} caller=collector.go:${100 + Math.floor(rnd() * 80)} level=${rnd() < 0.95 ? 'info' : 'warn'} collector=${pick(rnd, ['cpu', 'meminfo', 'diskstats', 'netdev', 'filesystem'])} msg="collected" duration_seconds=${(rnd() * 0.05).toFixed(6)}`;
    default: {
      const lv = level(rnd);
      const colour = lv === 'info' ? GREEN : lv === 'warn' ? YELLOW : lv === 'error' ? RED : DIM;
      const msg = lv === 'warn' ? pick(rnd, WARN_MSGS) : lv === 'error' ? pick(rnd, ERROR_MSGS) : pick(rnd, INFO_MSGS);
      return `${iso(ms)} ${colour}${lv.toUpperCase().padEnd(5)}${RESET} [${pick(rnd, MODULES)}] ${msg} ${DIM}latency=${Math.floor(rnd() * 900)}ms trace=${Math.floor(rnd() * 0xffffff).toString(16)}${RESET}`;
    }
  }
}

function startupLine(style: LogStyle, ms: number): string {
  switch (style) {
    case 'nginx':
      return `/docker-entrypoint.sh: Configuration complete; ready for start up`;
    case 'redis':
      return `1:M ${redisTime(ms)} * Ready to accept connections tcp`;
    case 'json':
      return `{"level":"info","ts":"${iso(ms)}","logger":"main","msg":"server listening","addr":":8080"}`;
    case 'exporter':
      return `ts=${iso(ms)} caller=node_exporter.go:193 level=info msg="Starting node_exporter" version="1.8.2"`;
    default:
      return `${iso(ms)} ${GREEN}INFO ${RESET} [main] starting application version=1.4.2`;
  }
}

/** The last lines of a crashing instance, printed before it exits. */
export function crashLines(ms: number, style: LogStyle = 'app'): string[] {
  if (style === 'json') {
    return [
      `{"level":"error","ts":"${iso(ms)}","logger":"db","msg":"dial tcp 10.96.112.40:5432: connect: connection refused"}`,
      `{"level":"fatal","ts":"${iso(ms)}","logger":"main","msg":"cannot start without a database, exiting"}`,
      `panic: connect to database: connection refused`,
    ];
  }
  return [
    `${iso(ms)} ${RED}ERROR${RESET} [db] dial tcp 10.96.112.40:5432: connect: connection refused`,
    `${iso(ms)} ${RED}FATAL${RESET} [main] cannot start without a database, exiting`,
    `panic: connect to database: connection refused`,
  ];
}
