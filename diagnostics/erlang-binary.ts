// Erlang prints a binary it cannot show as a string as a list of byte values: an Elixir release whose runtime.exs
// raises "environment variable DATABASE_URL is missing." can reach the log only as
//   {"init terminating in do_boot",{#{...,message=><<101,110,118,105,...,46,10>>},[...]}}
// which no log signature can read. This decodes such binaries when they are text, so the message can be matched
// and quoted like any other line. Binaries that are not text (arbitrary bytes, control characters) stay as they are.

const BINARY_RE = /<<((?:\d{1,3}\s*,\s*){7,}\d{1,3})>>/g;
const MIN_PRINTABLE_SHARE = 0.95;

function decodeBytes(list: string): string | undefined {
  const bytes = list.split(',').map((b) => Number(b.trim()));
  if (bytes.some((b) => !Number.isInteger(b) || b > 255)) return undefined;
  // Text: printable ASCII, tab/newline/CR, or UTF-8 sequences; any other control byte means binary data.
  if (bytes.some((b) => b < 32 && b !== 9 && b !== 10 && b !== 13)) return undefined;
  const printable = bytes.filter((b) => (b >= 32 && b < 127) || b === 9 || b === 10 || b === 13).length;
  if (printable / bytes.length < MIN_PRINTABLE_SHARE) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
  // A message, not a run of digits or punctuation: at least one word of three letters.
  return /[A-Za-z]{3}/.test(text) ? text : undefined;
}

/** The text lines hidden in a line's Erlang byte-list binaries, in order; empty when there are none. */
export function decodedErlangBinaries(line: string): string[] {
  if (!line.includes('<<')) return [];
  const out: string[] = [];
  BINARY_RE.lastIndex = 0;
  for (let m = BINARY_RE.exec(line); m; m = BINARY_RE.exec(line)) {
    const text = decodeBytes(m[1] ?? '');
    if (text === undefined) continue;
    for (const l of text.split(/\r?\n/)) if (l.trim() !== '') out.push(l.trimEnd());
  }
  return out;
}
