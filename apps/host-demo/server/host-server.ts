// The host application's own tiny server: its login (an HttpOnly session cookie, users from
// HOST_DEMO_USERS), the SSO token endpoint for signed-in users, the console's address for the
// pages, and the built pages themselves (with an SPA fallback for /iframe/* and /qiankun/*).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { mintSsoToken, type SsoSigningSettings, type SsoSubject } from './sso-token';

export interface HostDemoUser extends SsoSubject {
  password: string;
}

export interface HostServerOptions {
  distDir: string;
  /** The console's URL, e.g. http://127.0.0.1:3000/ (another origin than the host); a function when known later. */
  consoleUrl: string | (() => string);
  sso: SsoSigningSettings;
  users: HostDemoUser[];
}

const SESSION_COOKIE = 'host_demo_session';
const MAX_BODY = 16 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

export function createHostServer(options: HostServerOptions): Server {
  const sessions = new Map<string, SsoSubject>();

  function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
  }
  const fail = (res: ServerResponse, status: number, code: string, message: string, field?: string) =>
    json(res, status, { error: { code, message, ...(field ? { field } : {}) } });

  function sessionOf(req: IncomingMessage): SsoSubject | null {
    const id = /(?:^|;\s*)host_demo_session=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '')?.[1];
    return (id && sessions.get(id)) || null;
  }

  async function readJson(req: IncomingMessage): Promise<unknown> {
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) throw new Error('too large');
      chunks.push(chunk as Buffer);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  }

  async function login(req: IncomingMessage, res: ServerResponse) {
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      return fail(res, 400, 'BAD_REQUEST', 'expected a JSON body {username, password}');
    }
    const { username, password } = (body ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== 'string' || !username) return fail(res, 400, 'VALIDATION', 'username is required', 'username');
    if (typeof password !== 'string' || !password) return fail(res, 400, 'VALIDATION', 'password is required', 'password');
    const user = options.users.find((u) => u.username === username);
    if (!user || !sameSecret(user.password, password)) return fail(res, 401, 'BAD_CREDENTIALS', 'wrong user name or password');
    const id = randomBytes(24).toString('base64url');
    sessions.set(id, { username: user.username, groups: user.groups });
    json(res, 200, { username: user.username }, { 'set-cookie': `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/` });
  }

  function serveFile(req: IncomingMessage, res: ServerResponse, path: string) {
    const safe = normalize(decodeURIComponent(path)).replace(/^(\.\.[/\\])+/, '');
    let file = join(options.distDir, safe);
    if (!file.startsWith(options.distDir) || !existsSync(file) || !statSync(file).isFile()) file = join(options.distDir, 'index.html');
    if (!existsSync(file)) return fail(res, 404, 'NOT_BUILT', 'build the host demo first: pnpm --filter @k8s-console/host-demo build');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    createReadStream(file).pipe(res);
  }

  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = `${req.method} ${path}`;
    if (route === 'POST /demo-api/login') return void login(req, res);
    if (route === 'POST /demo-api/logout') {
      const id = /(?:^|;\s*)host_demo_session=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '')?.[1];
      if (id) sessions.delete(id);
      return json(res, 200, {}, { 'set-cookie': `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0` });
    }
    if (route === 'GET /demo-api/me') {
      const user = sessionOf(req);
      return user ? json(res, 200, { username: user.username }) : fail(res, 401, 'NOT_SIGNED_IN', 'sign in to the host first');
    }
    if (route === 'POST /demo-api/sso-token') {
      const user = sessionOf(req);
      if (!user) return fail(res, 401, 'NOT_SIGNED_IN', 'sign in to the host first');
      return json(res, 200, { token: mintSsoToken(options.sso, user) });
    }
    if (route === 'GET /demo-api/config') return json(res, 200, { consoleUrl: typeof options.consoleUrl === 'function' ? options.consoleUrl() : options.consoleUrl });
    if (path.startsWith('/demo-api/')) return fail(res, 404, 'NOT_FOUND', `no route ${route}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'METHOD_NOT_ALLOWED', 'pages are read-only');
    serveFile(req, res, path);
  });
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
