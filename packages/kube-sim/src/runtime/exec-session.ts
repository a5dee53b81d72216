// One exec'd process, independent of the wire: stdin (through a tty line discipline when asked),
// resizes and hang-up come in; stdout/stderr text goes out; run() resolves with the exit code.
// The WebSocket and SPDY transports both drive it.
import { InputQueue } from './shell/input-queue.js';
import { Shell, type TerminalSize } from './shell/shell.js';
import { TtyLineDiscipline } from './shell/tty-line-discipline.js';
import type { FileTree } from './shell/file-tree.js';

export interface ExecOptions {
  command: string[];
  container: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface ExecTarget {
  namespace: string;
  pod: string;
  tree: FileTree;
  env: Record<string, string>;
}

/** What one exec session did, kept so tests (and the console's audit checks) can look. */
export interface ExecSessionRecord {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  tty: boolean;
  protocol: string;
  resizes: TerminalSize[];
  startedAt: number;
  exitCode?: number;
}

export interface ExecOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

export class ExecSession {
  readonly record: ExecSessionRecord;
  private readonly stdinQueue: InputQueue | null;
  private readonly shell: Shell;
  private readonly discipline: TtyLineDiscipline | null;

  constructor(target: ExecTarget, private readonly opts: ExecOptions, protocol: string, out: ExecOutput) {
    this.record = {
      namespace: target.namespace, pod: target.pod, container: opts.container, command: opts.command,
      tty: opts.tty, protocol, resizes: [], startedAt: Date.now(),
    };
    const stdin = opts.stdin ? new InputQueue(opts.tty) : null;
    this.stdinQueue = stdin;
    const stdout = (t: string) => { if (opts.stdout) out.stdout(t); };
    this.shell = new Shell({
      tree: target.tree,
      env: target.env,
      tty: opts.tty,
      stdin,
      stdout,
      // a tty has one output stream
      stderr: (t) => { if (opts.tty) stdout(t); else if (opts.stderr) out.stderr(t); },
    });
    this.discipline = opts.tty && stdin
      ? new TtyLineDiscipline({ echo: stdout, deliver: (line) => stdin.push(line), eof: () => stdin.end(), interrupt: () => this.shell.interrupt() })
      : null;
  }

  input(data: Buffer): void {
    if (!this.stdinQueue || data.length === 0) return;
    if (this.discipline) this.discipline.input(data);
    else this.stdinQueue.push(Buffer.from(data));
  }

  /** the client closed its stdin */
  endInput(): void {
    this.stdinQueue?.close();
  }

  resize(size: TerminalSize): void {
    this.record.resizes.push(size);
    this.shell.resize(size);
  }

  /** the client went away: end input and stop whatever runs */
  hangUp(): void {
    this.stdinQueue?.close();
    this.shell.interrupt();
  }

  async run(): Promise<number> {
    try {
      this.record.exitCode = await this.shell.run(this.opts.command);
    } catch (e) {
      this.record.exitCode = 1;
      throw e;
    }
    return this.record.exitCode;
  }
}
