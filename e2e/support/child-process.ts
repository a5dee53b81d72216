// Starts a long-running child process and waits for a line in its output, keeping the output
// for the failure message when it never comes.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after a grace period; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function startProcess(command: string, args: string[], options: SpawnOptions & { name: string }): RunningProcess {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const check of [...waiters]) check();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  child.on('exit', () => {
    for (const check of [...waiters]) check();
  });

  const exited = () => child.exitCode !== null || child.signalCode !== null;

  return {
    child,
    output: () => out,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${options.name}: no ${pattern} within ${timeoutMs} ms. Output:\n${out.slice(-4000)}`));
        }, timeoutMs);
        function check() {
          const match = out.match(pattern);
          if (match) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(match);
          } else if (exited()) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`${options.name} exited (${child.exitCode ?? child.signalCode}) before ${pattern}. Output:\n${out.slice(-4000)}`));
          }
        }
        waiters.add(check);
        check();
      });
    },
    async stop(graceMs = 10_000) {
      if (exited()) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await done;
      clearTimeout(timer);
    },
  };
}
