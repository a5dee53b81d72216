// Parses the shell language the built-in shell understands: words with single/double quotes and
// backslashes, $VAR / ${VAR} / $? expansion (done at run time), `#` comments, lists joined by
// `;`, `&&`, `||` and pipes `|`, and redirections (`>`, `>>`, `2>`, `2>&1`, `>&2`, `<`).
// No globbing or subshells.

export interface WordPart {
  text: string;
  /** 'redirect' marks an operator word: `1>`, `2>>`, `2>&1`, `1>&2`, `<` */
  quote: 'none' | 'single' | 'double' | 'redirect';
}
export type Word = WordPart[];
export type SimpleCommand = Word[];
export type Pipeline = SimpleCommand[];
export interface ListItem {
  pipeline: Pipeline;
  /** how the NEXT item depends on this one */
  then: ';' | '&&' | '||';
}

export class ShellSyntaxError extends Error {}

export function parseScript(script: string): ListItem[] {
  const items: ListItem[] = [];
  let pipeline: Pipeline = [];
  let command: SimpleCommand = [];
  let word: Word | null = null;
  let i = 0;
  const part = (text: string, quote: WordPart['quote']) => {
    word ??= [];
    const last = word[word.length - 1];
    if (last && last.quote === quote) last.text += text;
    else word.push({ text, quote });
  };
  const endWord = () => {
    if (word) command.push(word);
    word = null;
  };
  const endCommand = () => {
    endWord();
    if (command.length) pipeline.push(command);
    command = [];
  };
  const endPipeline = (then: ListItem['then']) => {
    endCommand();
    if (pipeline.length) items.push({ pipeline, then });
    else if (then !== ';') throw new ShellSyntaxError(`syntax error: unexpected "${then}"`);
    pipeline = [];
  };

  while (i < script.length) {
    const c = script[i] as string;
    if (c === ' ' || c === '\t') { endWord(); i++; continue; }
    if (c === '\n' || c === ';') { endPipeline(';'); i++; continue; }
    if (c === '#' && word === null) {
      while (i < script.length && script[i] !== '\n') i++;
      continue;
    }
    if (c === '&' && script[i + 1] === '&') { endPipeline('&&'); i += 2; continue; }
    if (c === '|' && script[i + 1] === '|') { endPipeline('||'); i += 2; continue; }
    if (c === '|') {
      endCommand();
      if (!pipeline.length) throw new ShellSyntaxError('syntax error: unexpected "|"');
      i++;
      continue;
    }
    if (c === '>' || c === '<') {
      // a lone 1 or 2 right before > names the descriptor
      const w = word as Word | null;
      let fd = '1';
      if (c === '>' && w && w.length === 1 && w[0]?.quote === 'none' && (w[0].text === '1' || w[0].text === '2')) {
        fd = w[0].text;
        word = null;
      }
      endWord();
      let op: string;
      if (c === '<') { op = '<'; i++; }
      else if (script[i + 1] === '>') { op = `${fd}>>`; i += 2; }
      else if (script[i + 1] === '&' && /[12]/.test(script[i + 2] ?? '')) { op = `${fd}>&${script[i + 2]}`; i += 3; }
      else { op = `${fd}>`; i++; }
      command.push([{ text: op, quote: 'redirect' }]);
      continue;
    }
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('syntax error: unterminated quoted string');
      part(script.slice(i + 1, end), 'single');
      i = end + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let text = '';
      while (j < script.length && script[j] !== '"') {
        if (script[j] === '\\' && j + 1 < script.length && '"\\$`'.includes(script[j + 1] as string)) {
          // keep an escaped $ from expanding: close this part and add it as a literal
          if (script[j + 1] === '$') {
            if (text) part(text, 'double');
            text = '';
            part('$', 'single');
          } else text += script[j + 1];
          j += 2;
          continue;
        }
        text += script[j];
        j++;
      }
      if (j >= script.length) throw new ShellSyntaxError('syntax error: unterminated quoted string');
      part(text, 'double');
      if (text === '') word ??= [];
      i = j + 1;
      continue;
    }
    if (c === '\\') {
      if (i + 1 < script.length) part(script[i + 1] as string, 'single');
      i += 2;
      continue;
    }
    part(c, 'none');
    i++;
  }
  endPipeline(';');
  return items;
}

const VARIABLE = /\$(\?|[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})/g;

/** Expands variables (and a leading ~) in a word; quoted empty strings survive as ''. */
export function expandWord(word: Word, lookup: (name: string) => string): string {
  let out = '';
  word.forEach((p, index) => {
    if (p.quote === 'single') {
      out += p.text;
      return;
    }
    let text = p.text;
    if (index === 0 && p.quote === 'none' && (text === '~' || text.startsWith('~/'))) text = lookup('HOME') + text.slice(1);
    out += text.replace(VARIABLE, (_m, name: string) => lookup(name.replace(/^\{|\}$/g, '')));
  });
  return out;
}
