// A backend replica as a child process (node + tsx's loader + src/main.ts), as it runs in
// production, with its log kept for assertions and failure messages.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { repoRoot } from './repo-paths';

export const backendDir = join(repoRoot, 'apps', 'backend-k8s');
export const tsxLoader = join(dirname(createRequire(join(repoRoot, 'package.json')).resolve('tsx/package.json')), 'dist', 'loader.mjs');

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

export class BackendProcess {
  private child: ChildProcess | null = null;
  log = '';

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly cwd: string = backendDir,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts and resolves once /health/ready answers 200; throws with the log if it exits first. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', tsxLoader, 'src/main.ts'], {
      cwd: this.cwd,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(this.port), ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (c) => (this.log += c));
    child.stderr!.on('data', (c) => (this.log += c));
    // generous: on a busy machine tsx compiles the whole backend before it listens
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`backend on ${this.port} exited with ${child.exitCode}:\n${this.log}`);
      const res = await fetch(`${this.url}/health/ready`).catch(() => null);
      if (res?.ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`backend on ${this.port} did not become ready:\n${this.log}`);
  }

  /** SIGTERM and wait; resolves with the exit code. */
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
}
