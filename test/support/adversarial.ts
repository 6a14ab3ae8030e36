// Hostile inputs for the linear-time guarantees: each is about `size` characters of a shape that makes a
// backtracking regex quadratic (long runs, repeated separators, unclosed quotes, nested structures).
// Shared by test/diagnostics/adversarial.test.ts and bench/adversarial.ts.
export const ADVERSARIAL_SHAPES: Record<string, string> = {
  hex: 'a1',
  spaces: ' ',
  'spaces-then-x': ' ',
  letters: 'a',
  'key=': 'a=',
  'password=': 'password=',
  password: 'password',
  'quote-run': '"',
  'nested-quotes': `"'`,
  'json-nesting': '{"a":',
  colons: 'a:',
  slashes: '/a',
  'url-scheme': 'a://',
  'userinfo': 'a://b:c@',
  'at-signs': '@',
  'dotted': 'a.',
  'line-numbers': '0:',
  'pem-begin': '-----BEGIN ',
  'bearer': 'Bearer ',
  'eyJ': 'eyJa.',
  'xoxb': 'xoxb-',
  'slack-markup': '<!channel>',
  'flags': '--password ',
  'so': 'a.so',
  'A_': 'A_',
  'ampersands': '&sig=',
  'semicolons': ';AccountKey=',
};

/** One string of exactly `size` characters made of `unit` repeated (plus a closing "x" for *-then-x shapes). */
export function adversarial(name: string, size: number): string {
  const unit = ADVERSARIAL_SHAPES[name];
  if (unit === undefined) throw new Error(`no adversarial shape ${name}`);
  const body = unit.repeat(Math.ceil(size / unit.length)).slice(0, name.endsWith('-then-x') ? size - 1 : size);
  return name.endsWith('-then-x') ? `${body}x` : body;
}
