// Test support: backend replicas as real child processes (node + tsx, src/main.ts), the way they
// run in production, each on its own port, with its log captured.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const backendRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsxLoader = join(dirname(createRequire(join(backendRoot, 'package.json')).resolve('tsx/package.json')), 'dist', 'loader.mjs');

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

export class ReplicaProcess {
  private child: ChildProcess | null = null;
  log = '';

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null;
  }

  /** Starts the process and resolves once /health/ready answers 200. */
  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    const child = spawn(process.execPath, ['--import', tsxLoader, 'src/main.ts'], {
      cwd: backendRoot,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(this.port), ...this.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (c) => (this.log += c));
    child.stderr!.on('data', (c) => (this.log += c));
    // generous: on a busy machine tsx compiles the whole backend before it listens
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode}:\n${this.log}`);
      const res = await fetch(`${this.url}/health/ready`).catch(() => null);
      if (res?.ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${this.name} did not become ready:\n${this.log}`);
  }

  /** SIGTERM, and waits for the exit (graceful shutdown). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  kill(): void {
    if (this.child?.exitCode === null) this.child.kill('SIGKILL');
  }

  /** Parsed JSON log lines whose msg contains the text. */
  lines(msg: string): Record<string, unknown>[] {
    return this.log
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes(msg))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}
