// Runs Debian's nginx with the repo's own configuration (nginx/), rendered the way the nginx
// image's entrypoint renders it, in a throwaway prefix on a free port. Tests and the e2e suite
// put it in front of real backend replicas.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nginxDir } from './repo-paths';

export interface NginxTemplateVars {
  NGINX_PORT: string;
  CONSOLE_ROOT: string;
  CONSOLE_API_BASE: string;
  [derived: string]: string;
}

export interface NginxOptions {
  /** nginx binary (nginxPath().path) */
  binary: string;
  /** host:port of each backend replica */
  upstreams: string[];
  /** folder with the built console (index.html, assets/) */
  consoleRoot: string;
  /** EMBED_ALLOWED_ORIGINS, as the backend takes it */
  embedAllowedOrigins?: string[];
  consoleApiBase?: string;
}

export interface NginxRun {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  prefix: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * envsubst as the nginx image runs it: only the named variables are replaced, so nginx's own
 * $variables stay. A `${NAME}` left over means the template uses a variable nobody provides.
 */
export function renderTemplate(text: string, vars: Record<string, string>): string {
  const out = text.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (whole, name: string) => (name in vars ? vars[name]! : whole));
  const left = /\$\{([A-Z_][A-Z0-9_]*)\}/.exec(out);
  if (left) throw new Error(`template variable ${left[0]} has no value`);
  return out;
}

/** The variables every template in nginx/templates uses. */
export function templateVariables(): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(join(nginxDir, 'templates'))) {
    for (const m of readFileSync(join(nginxDir, 'templates', file), 'utf8').matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)) names.add(m[1]!);
  }
  return names;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

function mainConfig(prefix: string): string {
  // what the nginx image's own nginx.conf provides around conf.d/, with paths inside the prefix
  return `worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    client_body_temp_path ${prefix}/tmp/body;
    proxy_temp_path ${prefix}/tmp/proxy;
    fastcgi_temp_path ${prefix}/tmp/fastcgi;
    uwsgi_temp_path ${prefix}/tmp/uwsgi;
    scgi_temp_path ${prefix}/tmp/scgi;
    include conf.d/*.conf;
}
`;
}

export const embedScript = join(nginxDir, 'docker-entrypoint.d', '15-k8s-console-embed.envsh');

/**
 * Runs the image's envsh script (with the system's POSIX sh, as the entrypoint sources it) and
 * returns the variables it exports for the templates. Throws with its message when it refuses.
 */
export function embedVariables(embedAllowedOrigins: string): Record<string, string> {
  const r = spawnSync('sh', ['-c', `. '${embedScript}' && env`], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', EMBED_ALLOWED_ORIGINS: embedAllowedOrigins },
  });
  if (r.status !== 0) throw new Error(`${embedScript} refused: ${r.stderr.trim()}`);
  const vars: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^(K8S_CONSOLE_[A-Z_]+)=(.*)$/.exec(line);
    if (m) vars[m[1]!] = m[2]!;
  }
  return vars;
}

/** Lays out a prefix: nginx.conf, conf.d/ rendered from the templates, k8s-console/ snippets. */
export function preparePrefix(options: Omit<NginxOptions, 'binary'>, port: number): string {
  const prefix = mkdtempSync(join(tmpdir(), 'k8s-console-nginx-'));
  // the worker runs as an unprivileged user when the tests run as root: it must read the prefix
  chmodSync(prefix, 0o755);
  mkdirSync(join(prefix, 'conf.d'));
  mkdirSync(join(prefix, 'tmp'));
  chmodSync(join(prefix, 'tmp'), 0o777);
  cpSync(join(nginxDir, 'k8s-console'), join(prefix, 'k8s-console'), { recursive: true });
  writeFileSync(join(prefix, 'k8s-console', 'upstream-servers.conf'), options.upstreams.map((u) => `server ${u};\n`).join(''));
  const vars: NginxTemplateVars = {
    NGINX_PORT: String(port),
    CONSOLE_ROOT: options.consoleRoot,
    CONSOLE_API_BASE: options.consoleApiBase ?? '/k8s-api',
    ...embedVariables((options.embedAllowedOrigins ?? []).join(',')),
  };
  for (const file of readdirSync(join(nginxDir, 'templates'))) {
    const text = readFileSync(join(nginxDir, 'templates', file), 'utf8');
    writeFileSync(join(prefix, 'conf.d', file.replace(/\.template$/, '')), renderTemplate(text, { ...vars }));
  }
  writeFileSync(join(prefix, 'nginx.conf'), mainConfig(prefix));
  return prefix;
}

/** `nginx -t` on a prepared prefix: returns nginx's output, throws when the test fails. */
export function testConfig(binary: string, prefix: string): string {
  const r = spawnSync(binary, ['-t', '-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')], { encoding: 'utf8' });
  const output = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`nginx -t failed:\n${output}`);
  return output;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForStart(child: ChildProcess, port: number, prefix: string): Promise<void> {
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  for (let i = 0; i < 200; i++) {
    if (exited !== undefined) {
      throw new Error(`nginx exited with ${exited}: ${readFileSync(join(prefix, 'error.log'), 'utf8')}`);
    }
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('nginx did not open its port within 5 s');
}

/** Starts nginx in the foreground of a child process; retries on another port if one was taken. */
export async function startNginx(options: NginxOptions): Promise<NginxRun> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const prefix = preparePrefix(options, port);
    const errorLogPath = join(prefix, 'error.log');
    const child = spawn(options.binary, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', errorLogPath, '-g', 'daemon off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += c));
    try {
      await waitForStart(child, port, prefix);
    } catch (err) {
      child.kill('SIGKILL');
      lastError = new Error(`${(err as Error).message}\n${stderr}`);
      rmSync(prefix, { recursive: true, force: true });
      if (/Address already in use/.test(lastError.message)) continue;
      throw lastError;
    }
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      prefix,
      errorLog: () => (existsSync(errorLogPath) ? readFileSync(errorLogPath, 'utf8') : ''),
      stop: async () => {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGQUIT');
          await exited;
        }
        rmSync(prefix, { recursive: true, force: true });
      },
    };
  }
  throw lastError ?? new Error('nginx did not start');
}
