// The cooked mode of a terminal, as the kernel's line discipline provides it: echo of typed
// characters, backspace and Ctrl-U editing, Enter delivers the line, Ctrl-C interrupts the
// foreground command, Ctrl-D on an empty line is end of input. Arrow keys and other escape
// sequences are swallowed.
import { StringDecoder } from 'node:string_decoder';

export interface LineDisciplineHooks {
  echo(text: string): void;
  deliver(line: Buffer): void;
  eof(): void;
  interrupt(): void;
}

export class TtyLineDiscipline {
  private line = '';
  private escape: 'none' | 'esc' | 'csi' = 'none';
  private lastWasCr = false;
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly hooks: LineDisciplineHooks) {}

  input(chunk: Buffer): void {
    for (const ch of this.decoder.write(chunk)) this.char(ch);
  }

  private char(ch: string): void {
    const code = ch.codePointAt(0) ?? 0;
    // a terminal sends CR for Enter; tolerate clients that send CR LF
    const afterCr = this.lastWasCr;
    this.lastWasCr = code === 0x0d;
    if (code === 0x0a && afterCr) return;
    if (this.escape === 'esc') {
      this.escape = ch === '[' || ch === 'O' ? 'csi' : 'none';
      return;
    }
    if (this.escape === 'csi') {
      if (code >= 0x40 && code <= 0x7e) this.escape = 'none';
      return;
    }
    switch (code) {
      case 0x1b:
        this.escape = 'esc';
        return;
      case 0x03: // Ctrl-C
        this.line = '';
        this.hooks.echo('^C\r\n');
        this.hooks.interrupt();
        return;
      case 0x04: // Ctrl-D
        if (this.line === '') this.hooks.eof();
        else {
          this.hooks.deliver(Buffer.from(this.line));
          this.line = '';
        }
        return;
      case 0x7f:
      case 0x08: {
        if (!this.line) return;
        const chars = [...this.line];
        chars.pop();
        this.line = chars.join('');
        this.hooks.echo('\b \b');
        return;
      }
      case 0x15: // Ctrl-U
        this.hooks.echo('\b \b'.repeat([...this.line].length));
        this.line = '';
        return;
      case 0x0d:
      case 0x0a:
        this.hooks.echo('\r\n');
        this.hooks.deliver(Buffer.from(this.line + '\n'));
        this.line = '';
        return;
      default:
        if (code < 0x20) return;
        this.line += ch;
        this.hooks.echo(ch);
    }
  }
}
