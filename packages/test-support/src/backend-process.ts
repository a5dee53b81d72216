// A backend as a real child process, with its log kept for assertions and failure messages. By
// default it runs the esbuild bundle of src/main.ts (fast to start); `tsxFrom` runs src/main.ts
// with tsx's loader from a given directory instead, the way the production image starts it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { backendBundle, backendDir } from './backend-bundle.js';

const tsxLoader = join(dirname(createRequire(join(backendDir, 'package.json')).resolve('tsx/package.json')), 'dist', 'loader.mjs');

/** Ports free right now on 127.0.0.1 (for processes that need their port before they start). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, async () => {
      const s = createServer();
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      return s;
    }),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface BackendProcessOptions {
  /** names the process in errors; defaults to "backend on <port>" */
  name?: string;
  /** run src/main.ts with tsx's loader from this directory (e.g. a `pnpm deploy` output) */
  tsxFrom?: string;
  /** how long start() waits for /health/ready; generous, as a loaded 2-core machine is slow */
  readyTimeoutMs?: number;
}

export class BackendProcess {
  private child: ChildProcess | null = null;
  readonly name: string;
  log = '';

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly options: BackendProcessOptions = {},
  ) {
    this.name = options.name ?? `backend on ${port}`;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null;
  }

  /** Starts and resolves once /health/ready answers 200; throws with the log if it exits first. */
  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    const tsxFrom = this.options.tsxFrom;
    const [cwd, args] = tsxFrom ? [tsxFrom, ['--import', tsxLoader, 'src/main.ts']] : [backendDir, [await backendBundle()]];
    const child = spawn(process.execPath, ['--enable-source-maps', ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(this.port), ...this.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (c) => (this.log += c));
    child.stderr!.on('data', (c) => (this.log += c));
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 150_000);
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode}:\n${this.log}`);
      const res = await fetch(`${this.url}/health/ready`).catch(() => null);
      if (res?.ok) return;
      await res?.arrayBuffer();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${this.name} did not become ready:\n${this.log}`);
  }

  /** SIGTERM and wait for the exit (graceful shutdown); resolves with the exit code. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child) return null;
    if (child.exitCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    return exited;
  }

  kill(): void {
    if (this.child?.exitCode === null) this.child.kill('SIGKILL');
  }

  /** Parsed JSON log lines whose text contains msg. */
  lines(msg: string): Record<string, unknown>[] {
    return this.log
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes(msg))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}
