// A small POSIX shell-word splitter for tests: returns the argv a shell would pass, and throws on any
// unquoted character that would make the line more than one simple command (operators, expansions,
// redirections, globs, comments, newlines). Supports '…', "…" (with \" \\ \$ \`) and \x.
const UNQUOTED_FORBIDDEN = new Set([';', '|', '&', '<', '>', '(', ')', '$', '`', '*', '?', '[', ']', '{', '}', '!', '\n', '\r']);

export class ShellSyntaxError extends Error {}

export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const push = (s: string): void => {
    word = (word ?? '') + s;
  };
  while (i < line.length) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new ShellSyntaxError(`unterminated ' at ${i}`);
      push(line.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      for (;;) {
        if (j >= line.length) throw new ShellSyntaxError(`unterminated " at ${i}`);
        const d = line[j] as string;
        if (d === '"') break;
        if (d === '$' || d === '`') throw new ShellSyntaxError(`expansion ${d} inside "…" at ${j}`);
        if (d === '\\' && j + 1 < line.length && '"\\$`\n'.includes(line[j + 1] as string)) {
          s += line[j + 1];
          j += 2;
        } else {
          s += d;
          j++;
        }
      }
      push(s);
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new ShellSyntaxError('trailing backslash');
      push(line[i + 1] as string);
      i += 2;
    } else if (UNQUOTED_FORBIDDEN.has(c) || ((c === '#' || c === '~') && word === undefined)) {
      throw new ShellSyntaxError(`unquoted ${JSON.stringify(c)} at ${i} in ${line}`);
    } else {
      push(c);
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}
