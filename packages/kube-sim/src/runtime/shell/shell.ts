// The built-in shell behind pods/exec: runs a command vector as the container runtime would
// (`sh -c "..."`, `sh` reading stdin, or a single program), with a handful of programs built in.
// Unknown programs fail like busybox: "sh: X: not found", exit code 127.
import { StringDecoder } from 'node:string_decoder';
import { expandWord, parseScript, ShellSyntaxError, type ListItem, type Pipeline, type Word } from './command-line.js';
import { BUILTIN_PROGRAMS, resolvePath, type FileTree } from './file-tree.js';
import { InputQueue } from './input-queue.js';

export interface TerminalSize {
  columns: number;
  rows: number;
}

export interface ShellOptions {
  tree: FileTree;
  env: Record<string, string>;
  tty: boolean;
  /** null when the exec request has no stdin */
  stdin: InputQueue | null;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

interface Io {
  stdin: InputQueue | null;
  out: (text: string) => void;
  err: (text: string) => void;
  signal: AbortSignal;
}

type Program = (args: string[], io: Io) => Promise<number> | number;

class ExitRequest {
  constructor(readonly code: number) {}
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash']);
const INTERRUPTED = 130;

export class Shell {
  private cwd = '/';
  private readonly env: Map<string, string>;
  private lastStatus = 0;
  private foreground: AbortController | null = null;
  private atPrompt = false;
  private size: TerminalSize | undefined;
  private readonly programs: Record<string, Program>;

  constructor(private readonly opts: ShellOptions) {
    this.env = new Map(Object.entries(opts.env));
    if (opts.tty && !this.env.has('TERM')) this.env.set('TERM', 'xterm');
    this.programs = this.builtins();
  }

  /** Ctrl-C: interrupts the running command, or starts a fresh prompt. */
  interrupt(): void {
    if (this.foreground) this.foreground.abort();
    else if (this.atPrompt) this.write(this.prompt());
  }

  resize(size: TerminalSize): void {
    this.size = size;
    this.env.set('COLUMNS', String(size.columns));
    this.env.set('LINES', String(size.rows));
  }

  private write(text: string): void {
    this.opts.stdout(this.opts.tty ? text.replace(/\r?\n/g, '\r\n') : text);
  }

  private writeErr(text: string): void {
    this.opts.stderr(this.opts.tty ? text.replace(/\r?\n/g, '\r\n') : text);
  }

  private prompt(): string {
    return `root@${this.env.get('HOSTNAME') ?? 'localhost'}:${this.cwd}# `;
  }

  /** Runs the exec command vector to completion and returns its exit code. */
  async run(argv: string[]): Promise<number> {
    const io = this.topIo();
    try {
      return await this.exec(argv, io);
    } catch (e) {
      if (e instanceof ExitRequest) return e.code;
      throw e;
    }
  }

  private topIo(): Io {
    return { stdin: this.opts.stdin, out: (t) => this.write(t), err: (t) => this.writeErr(t), signal: new AbortController().signal };
  }

  private async exec(argv: string[], io: Io): Promise<number> {
    const name = (argv[0] ?? '').split('/').pop() ?? '';
    if (SHELLS.has(name)) return this.shellProgram(argv.slice(1), io);
    const program = this.programs[name];
    if (!program) {
      io.err(`sh: ${argv[0]}: not found\n`);
      return 127;
    }
    return program(argv.slice(1), io);
  }

  private async shellProgram(args: string[], io: Io): Promise<number> {
    const c = args.indexOf('-c');
    if (c >= 0) {
      const script = args[c + 1];
      if (script === undefined) {
        io.err('sh: -c requires an argument\n');
        return 2;
      }
      return this.runScript(script, io);
    }
    return this.interactive(io);
  }

  private async interactive(io: Io): Promise<number> {
    if (!io.stdin) return 0;
    for (;;) {
      if (this.opts.tty) io.out(this.prompt());
      this.atPrompt = true;
      const line = await io.stdin.readLine();
      this.atPrompt = false;
      if (line === null) {
        if (this.opts.tty) io.out('exit\n');
        return this.lastStatus;
      }
      if (line.trim()) await this.runScript(line, io);
    }
  }

  private async runScript(script: string, io: Io): Promise<number> {
    let items: ListItem[];
    try {
      items = parseScript(script);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      io.err(`sh: ${e.message}\n`);
      return (this.lastStatus = 2);
    }
    let then: ListItem['then'] = ';';
    for (const item of items) {
      const skip = (then === '&&' && this.lastStatus !== 0) || (then === '||' && this.lastStatus === 0);
      if (!skip) this.lastStatus = await this.runPipeline(item.pipeline, io);
      then = item.then;
    }
    return this.lastStatus;
  }

  private async runPipeline(pipeline: Pipeline, io: Io): Promise<number> {
    const controller = new AbortController();
    const outer = this.foreground;
    this.foreground = controller;
    const onOuterAbort = () => controller.abort();
    io.signal.addEventListener('abort', onOuterAbort, { once: true });
    try {
      let stdin = io.stdin;
      let status = 0;
      for (let i = 0; i < pipeline.length; i++) {
        const last = i === pipeline.length - 1;
        let captured = '';
        const stageIo: Io = { stdin, out: last ? io.out : (t) => { captured += t; }, err: io.err, signal: controller.signal };
        const redirected = this.redirect(pipeline[i] ?? [], stageIo);
        if (typeof redirected === 'string') {
          io.err(`sh: ${redirected}\n`);
          status = 1;
        } else {
          status = await this.runCommand(redirected.argv, redirected.io);
          const failed = redirected.flush();
          if (failed) {
            io.err(`sh: ${failed}\n`);
            status = 1;
          }
        }
        if (controller.signal.aborted) return INTERRUPTED;
        if (!last) {
          // stages run one after another: the next one reads what this one printed
          stdin = new InputQueue();
          if (captured) stdin.push(Buffer.from(captured));
          stdin.end();
        }
      }
      return status;
    } finally {
      io.signal.removeEventListener('abort', onOuterAbort);
      this.foreground = outer;
    }
  }

  /**
   * Expands a command's words and applies its redirections: output to files is collected and
   * written when the command ends (flush), `<` feeds a file as stdin. Returns an error message
   * for a redirection that cannot be set up.
   */
  private redirect(words: Word[], io: Io): { argv: string[]; io: Io; flush: () => string | null } | string {
    const argv: string[] = [];
    const files: { path: string; append: boolean; text: string }[] = [];
    const fds: Record<'1' | '2', (t: string) => void> = { 1: io.out, 2: io.err };
    let stdin = io.stdin;
    for (let w = 0; w < words.length; w++) {
      const word = words[w] as Word;
      const op = word.length === 1 && word[0]?.quote === 'redirect' ? word[0].text : null;
      if (!op) {
        argv.push(expandWord(word, (n) => this.lookup(n)));
        continue;
      }
      const dup = /^([12])>&([12])$/.exec(op);
      if (dup) {
        fds[dup[1] as '1' | '2'] = fds[dup[2] as '1' | '2'];
        continue;
      }
      const targetWord = words[++w];
      if (!targetWord || targetWord[0]?.quote === 'redirect') return 'syntax error: unexpected redirection';
      const path = resolvePath(this.cwd, expandWord(targetWord, (n) => this.lookup(n)));
      if (op === '<') {
        const node = this.opts.tree.get(path);
        if (node?.kind !== 'file') return `can't open ${path}: no such file`;
        stdin = new InputQueue();
        stdin.push(Buffer.from(node.content));
        stdin.end();
        continue;
      }
      const fd = op[0] as '1' | '2';
      if (path === '/dev/null') {
        fds[fd] = () => {};
        continue;
      }
      const file = { path, append: op.endsWith('>>'), text: '' };
      files.push(file);
      fds[fd] = (t) => { file.text += t; };
    }
    return {
      argv,
      io: { ...io, stdin, out: fds[1], err: fds[2] },
      flush: () => {
        for (const f of files) {
          const failed = this.opts.tree.write(f.path, f.text, f.append);
          if (failed) return failed;
        }
        return null;
      },
    };
  }

  private async runCommand(argv: string[], io: Io): Promise<number> {
    // NAME=value words before the command set variables
    while (argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0] as string)) {
      const [name, ...rest] = (argv.shift() as string).split('=');
      this.env.set(name as string, rest.join('='));
    }
    if (!argv.length) return 0;
    return this.exec(argv, io);
  }

  private lookup(name: string): string {
    if (name === '?') return String(this.lastStatus);
    return this.env.get(name) ?? '';
  }

  private builtins(): Record<string, Program> {
    const tree = this.opts.tree;
    const env = this.env;
    return {
      true: () => 0,
      false: () => 1,
      echo: (args, io) => {
        let newline = true;
        if (args[0] === '-n') { newline = false; args = args.slice(1); }
        io.out(args.join(' ') + (newline ? '\n' : ''));
        return 0;
      },
      pwd: (_a, io) => { io.out(this.cwd + '\n'); return 0; },
      cd: (args, io) => {
        const target = resolvePath(this.cwd, args[0] ?? env.get('HOME') ?? '/');
        const node = tree.get(target);
        if (!node) { io.err(`sh: cd: can't cd to ${args[0]}: No such file or directory\n`); return 2; }
        if (node.kind !== 'dir') { io.err(`sh: cd: can't cd to ${args[0]}: Not a directory\n`); return 2; }
        this.cwd = target;
        env.set('PWD', target);
        return 0;
      },
      env: (_a, io) => { io.out([...env].map(([k, v]) => `${k}=${v}\n`).join('')); return 0; },
      printenv: (args, io) => {
        if (!args.length) { io.out([...env].map(([k, v]) => `${k}=${v}\n`).join('')); return 0; }
        let status = 0;
        for (const a of args) {
          const v = env.get(a);
          if (v === undefined) status = 1;
          else io.out(v + '\n');
        }
        return status;
      },
      export: (args) => {
        for (const a of args) {
          const [name, ...rest] = a.split('=');
          if (rest.length) env.set(name as string, rest.join('='));
        }
        return 0;
      },
      ls: (args, io) => {
        const flags = args.filter((a) => a.startsWith('-')).join('');
        const paths = args.filter((a) => !a.startsWith('-'));
        const long = flags.includes('l');
        const all = flags.includes('a');
        let status = 0;
        const targets = paths.length ? paths : ['.'];
        targets.forEach((p, idx) => {
          const full = resolvePath(this.cwd, p);
          const node = tree.get(full);
          if (!node) { io.err(`ls: cannot access '${p}': No such file or directory\n`); status = 2; return; }
          const entries = node.kind === 'dir' ? [...(all ? ['.', '..'] : []), ...tree.list(full)] : [p];
          if (targets.length > 1 && node.kind === 'dir') io.out(`${idx ? '\n' : ''}${p}:\n`);
          const lines = entries.map((name) => {
            if (!long) return name;
            const child = node.kind === 'dir' ? tree.get(resolvePath(full, name)) : node;
            const isDir = child?.kind !== 'file';
            const size = child?.kind === 'file' ? Buffer.byteLength(child.content) : 4096;
            return `${isDir ? 'drwxr-xr-x' : '-rw-r--r--'}    1 root     root     ${String(size).padStart(8)} Jan  1 00:00 ${name}`;
          });
          if (!lines.length) return;
          io.out(long || !this.opts.tty ? lines.join('\n') + '\n' : lines.join('  ') + '\n');
        });
        return status;
      },
      cat: async (args, io) => {
        if (!args.length || (args.length === 1 && args[0] === '-')) return this.copyStdin(io);
        let status = 0;
        for (const p of args) {
          if (p === '-') { await this.copyStdin(io); continue; }
          const node = tree.get(resolvePath(this.cwd, p));
          if (!node) { io.err(`cat: ${p}: No such file or directory\n`); status = 1; }
          else if (node.kind === 'dir') { io.err(`cat: ${p}: Is a directory\n`); status = 1; }
          else io.out(node.content);
        }
        return status;
      },
      sleep: async (args, io) => {
        const seconds = Number(args[0]);
        if (!args[0] || !Number.isFinite(seconds) || seconds < 0) { io.err(`sleep: invalid number '${args[0] ?? ''}'\n`); return 1; }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, seconds * 1000);
          io.signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
        });
        return io.signal.aborted ? INTERRUPTED : 0;
      },
      exit: (args) => {
        const code = args[0] === undefined ? this.lastStatus : Number(args[0]);
        throw new ExitRequest(Number.isInteger(code) ? code & 0xff : 2);
      },
      hostname: (_a, io) => { io.out((env.get('HOSTNAME') ?? 'localhost') + '\n'); return 0; },
      whoami: (_a, io) => { io.out('root\n'); return 0; },
      id: (_a, io) => { io.out('uid=0(root) gid=0(root) groups=0(root)\n'); return 0; },
      uname: (args, io) => {
        io.out(args.includes('-a')
          ? `Linux ${env.get('HOSTNAME') ?? 'localhost'} 6.1.0-kube-sim #1 SMP x86_64 GNU/Linux\n`
          : 'Linux\n');
        return 0;
      },
      date: (_a, io) => { io.out(new Date().toUTCString() + '\n'); return 0; },
      clear: (_a, io) => { io.out('\x1b[H\x1b[2J'); return 0; },
      stty: (args, io) => {
        if (args[0] !== 'size') return 0;
        if (!this.opts.tty || !this.size) { io.err("stty: standard input: Inappropriate ioctl for device\n"); return 1; }
        io.out(`${this.size.rows} ${this.size.columns}\n`);
        return 0;
      },
      tput: (args, io) => {
        const size = this.size ?? { columns: 80, rows: 24 };
        if (args[0] === 'cols') io.out(`${size.columns}\n`);
        else if (args[0] === 'lines') io.out(`${size.rows}\n`);
        return 0;
      },
      touch: (args, io) => {
        for (const a of args) {
          const path = resolvePath(this.cwd, a);
          if (tree.get(path)) continue;
          const failed = tree.write(path, '', true);
          if (failed) { io.err(`touch: ${a}: No such file or directory\n`); return 1; }
        }
        return 0;
      },
      mkdir: (args, io) => {
        for (const a of args.filter((x) => !x.startsWith('-'))) {
          const failed = tree.mkdir(resolvePath(this.cwd, a), args.includes('-p'));
          if (failed) { io.err(`mkdir: ${failed}\n`); return 1; }
        }
        return 0;
      },
      rm: (args, io) => {
        for (const a of args.filter((x) => !x.startsWith('-'))) {
          const failed = tree.remove(resolvePath(this.cwd, a), args.some((x) => /^-\w*r/.test(x)));
          if (failed && !args.some((x) => /^-\w*f/.test(x))) { io.err(`rm: ${failed}\n`); return 1; }
        }
        return 0;
      },
      ps: (_a, io) => {
        io.out('PID   USER     TIME  COMMAND\n    1 root      0:00 /docker-entrypoint.sh\n   42 root      0:00 sh\n   43 root      0:00 ps\n');
        return 0;
      },
      head: (args, io) => this.lineFilter(args, io, (lines, n) => lines.slice(0, n)),
      tail: (args, io) => this.lineFilter(args, io, (lines, n) => lines.slice(Math.max(0, lines.length - n))),
      wc: (args, io) => this.lineFilter(args.filter((a) => a !== '-l'), io, (lines) => [String(lines.length)]),
      grep: async (args, io) => {
        const invert = args.includes('-v');
        const rest = args.filter((a) => !a.startsWith('-'));
        const pattern = rest[0];
        if (pattern === undefined) { io.err('Usage: grep [-v] PATTERN [FILE]...\n'); return 2; }
        let found = false;
        const status = await this.lineFilter(rest.slice(1), io, (lines) => {
          const hits = lines.filter((l) => l.includes(pattern) !== invert);
          found = hits.length > 0;
          return hits;
        });
        return status !== 0 ? status : found ? 0 : 1;
      },
      seq: (args, io) => {
        const [a, b] = args.length > 1 ? [Number(args[0]), Number(args[1])] : [1, Number(args[0])];
        if (!Number.isInteger(a) || !Number.isInteger(b)) { io.err(`seq: invalid argument\n`); return 1; }
        const out: number[] = [];
        for (let i = a; i <= b && out.length < 100_000; i++) out.push(i);
        io.out(out.length ? out.join('\n') + '\n' : '');
        return 0;
      },
      help: (_a, io) => {
        io.out(`Built-in commands: ${BUILTIN_PROGRAMS.join(' ')} export\n`);
        return 0;
      },
    };
  }

  /** Reads the named files (or stdin) as lines, and prints what `pick` keeps (`-n N` is its count). */
  private async lineFilter(args: string[], io: Io, pick: (lines: string[], n: number) => string[]): Promise<number> {
    let n = 10;
    const files: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (a === '-n') n = Number(args[++i]);
      else if (/^-\d+$/.test(a)) n = Number(a.slice(1));
      else files.push(a);
    }
    let text = '';
    if (!files.length) {
      let collected = '';
      await this.copyStdin({ ...io, out: (t) => { collected += t; } });
      text = collected;
    }
    for (const f of files) {
      const node = this.opts.tree.get(resolvePath(this.cwd, f));
      if (!node || node.kind !== 'file') { io.err(`${f}: No such file or directory\n`); return 1; }
      text += node.content;
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const kept = pick(lines, Number.isFinite(n) ? n : 10);
    if (kept.length) io.out(kept.join('\n') + '\n');
    return 0;
  }

  private async copyStdin(io: Io): Promise<number> {
    if (!io.stdin) return 0;
    const decoder = new StringDecoder('utf8');
    for (;;) {
      const chunk = await io.stdin.readChunk(io.signal);
      if (chunk === null) {
        const rest = decoder.end();
        if (rest) io.out(rest);
        return io.signal.aborted ? INTERRUPTED : 0;
      }
      io.out(decoder.write(chunk));
    }
  }
}
