import { describe, expect, it } from 'vitest';
import { Shell } from '../../src/runtime/shell/shell.js';
import { InputQueue } from '../../src/runtime/shell/input-queue.js';
import { containerFileTree } from '../../src/runtime/shell/file-tree.js';
import { TtyLineDiscipline } from '../../src/runtime/shell/tty-line-discipline.js';

const tree = () => containerFileTree({ podName: 'web-1', namespace: 'shop', podIP: '10.244.0.7', containerName: 'web', image: 'nginx:1.27' });

async function run(argv: string[], stdinText?: string) {
  let out = '';
  let err = '';
  const stdin = stdinText === undefined ? null : new InputQueue();
  if (stdin && stdinText) stdin.push(Buffer.from(stdinText));
  stdin?.end();
  const shell = new Shell({ tree: tree(), env: { HOSTNAME: 'web-1', HOME: '/root', GREETING: 'hello' }, tty: false, stdin, stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
  const code = await shell.run(argv);
  return { code, out, err };
}

describe('built-in shell', () => {
  it('runs sh -c scripts with exit codes, variables and lists', async () => {
    expect(await run(['sh', '-c', 'exit 3'])).toMatchObject({ code: 3 });
    expect(await run(['sh', '-c', 'echo "$GREETING world"; false || echo fallback; true && echo yes'])).toEqual({ code: 0, out: 'hello world\nfallback\nyes\n', err: '' });
    expect((await run(['sh', '-c', "false; echo $?; echo '$GREETING'"])).out).toBe("1\n$GREETING\n");
  });

  it('fails an unknown command with 127 and a busybox message', async () => {
    expect(await run(['frobnicate', '--now'])).toEqual({ code: 127, out: '', err: 'sh: frobnicate: not found\n' });
    expect(await run(['sh', '-c', 'nope'])).toMatchObject({ code: 127, err: 'sh: nope: not found\n' });
  });

  it('shows a per-container file tree to ls, cat, cd and pwd', async () => {
    expect((await run(['cat', '/etc/hostname'])).out).toBe('web-1\n');
    expect((await run(['ls', '/etc'])).out.split('\n')).toEqual(expect.arrayContaining(['hostname', 'os-release', 'nginx']));
    expect((await run(['sh', '-c', 'cd /usr/share/nginx/html && pwd && ls'])).out).toBe('/usr/share/nginx/html\nindex.html\n');
    expect(await run(['cat', '/nope'])).toMatchObject({ code: 1, err: 'cat: /nope: No such file or directory\n' });
    expect((await run(['ls', '/missing'])).code).toBe(2);
  });

  it('copies stdin to stdout with cat, and reads commands from stdin for sh', async () => {
    expect(await run(['cat'], 'hi\nthere\n')).toEqual({ code: 0, out: 'hi\nthere\n', err: '' });
    expect(await run(['sh'], 'echo one\nexit 4\necho never\n')).toEqual({ code: 4, out: 'one\n', err: '' });
    expect((await run(['sh', '-c', 'echo piped | cat'])).out).toBe('piped\n');
  });

  it('filters text with grep, head, tail, wc and seq in pipelines', async () => {
    expect((await run(['sh', '-c', 'env | grep GREETING'])).out).toBe('GREETING=hello\n');
    expect((await run(['sh', '-c', 'seq 1 20 | head -n 3'])).out).toBe('1\n2\n3\n');
    expect((await run(['sh', '-c', 'seq 5 | tail -2'])).out).toBe('4\n5\n');
    expect((await run(['sh', '-c', 'cat /etc/os-release | wc -l'])).out).toBe('5\n');
    expect((await run(['grep', 'nope', '/etc/hostname'])).code).toBe(1);
    expect((await run(['grep', '-v', 'nope', '/etc/hostname'])).out).toBe('web-1\n');
  });

  it('redirects output to files, errors to stdout, and files to stdin', async () => {
    const t = tree();
    const runIn = async (script: string) => {
      let out = '';
      let err = '';
      const shell = new Shell({ tree: t, env: { HOME: '/root' }, tty: false, stdin: null, stdout: (x) => { out += x; }, stderr: (x) => { err += x; } });
      return { code: await shell.run(['sh', '-c', script]), out, err };
    };
    expect(await runIn('echo one > /tmp/notes; echo two >> /tmp/notes; cat /tmp/notes')).toEqual({ code: 0, out: 'one\ntwo\n', err: '' });
    expect(await runIn('cat /nope 2>&1')).toEqual({ code: 1, out: 'cat: /nope: No such file or directory\n', err: '' });
    expect(await runIn('cat /nope 2>/dev/null; echo $?')).toEqual({ code: 0, out: '1\n', err: '' });
    expect(await runIn('echo oops >&2')).toEqual({ code: 0, out: '', err: 'oops\n' });
    expect((await runIn('grep two < /tmp/notes')).out).toBe('two\n');
    expect(await runIn('echo x > /missing/dir/file')).toMatchObject({ code: 1, err: "sh: can't create /missing/dir/file: nonexistent directory\n" });
    expect((await runIn('mkdir -p /tmp/a/b && touch /tmp/a/b/c && ls /tmp/a/b && rm -r /tmp/a && ls /tmp')).out).toBe('c\nnotes\n');
  });

  it('sleeps for the given seconds', async () => {
    expect((await run(['sh', '-c', 'sleep 0.01 && echo woke'])).out).toBe('woke\n');
    expect((await run(['sleep', 'x'])).code).toBe(1);
  });
});

describe('tty line discipline and interactive shell', () => {
  function terminal() {
    let screen = '';
    const stdin = new InputQueue(true);
    const shell = new Shell({ tree: tree(), env: { HOSTNAME: 'web-1', HOME: '/root' }, tty: true, stdin, stdout: (t) => { screen += t; }, stderr: (t) => { screen += t; } });
    const tty = new TtyLineDiscipline({ echo: (t) => { screen += t; }, deliver: (l) => stdin.push(l), eof: () => stdin.end(), interrupt: () => shell.interrupt() });
    const type = (s: string) => tty.input(Buffer.from(s));
    const until = async (text: string) => {
      for (let i = 0; i < 200 && !screen.includes(text); i++) await new Promise((r) => setTimeout(r, 5));
      expect(screen).toContain(text);
    };
    return { shell, type, until, screen: () => screen };
  }

  it('echoes typed characters, handles backspace, Enter, Ctrl-C and Ctrl-D', async () => {
    const t = terminal();
    const done = t.shell.run(['sh']);
    await t.until('root@web-1:/# ');
    t.type('echo hellx\x7fo\r');
    await t.until('hello\r\n');
    expect(t.screen()).toContain('echo hellx\b \bo\r\n');
    t.type('sleep 100\r');
    await new Promise((r) => setTimeout(r, 20));
    t.type('\x03');
    await t.until('^C\r\n');
    t.type('echo $?\r');
    await t.until('130\r\n');
    t.type('\x04');
    expect(await done).toBe(0);
    expect(t.screen()).toMatch(/exit\r\n$/);
  });

  it('reports the terminal size after a resize', async () => {
    const t = terminal();
    t.shell.resize({ columns: 132, rows: 43 });
    const done = t.shell.run(['sh', '-c', 'stty size; echo $COLUMNS']);
    expect(await done).toBe(0);
    expect(t.screen()).toBe('43 132\r\n132\r\n');
  });
});
