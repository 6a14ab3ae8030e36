// Pack regexes run on hostile log lines, so they run on V8's linear-time regex engine (the `l` flag): matching time
// grows with the line's length, never exponentially or polynomially as with backtracking ("(a+)+$", ".*a.*b.*c").
// Patterns that engine cannot run (backreferences, lookahead, counted repeats above 16, inline flags) are refused
// with a message saying so, as are over-long patterns. The engine sits behind a V8 flag, set once, here, before any
// pack regex is compiled; the built-in library does not use it.
import { setFlagsFromString } from 'node:v8';

export const MAX_REGEX_CHARS = 300;
/** The flag of V8's linear-time engine (a variable: linters do not know it). */
export const LINEAR_FLAG: string = 'l';

let linear: boolean | undefined;

/** Turns on V8's linear-time engine for the `l` flag; false when this Node.js has none. */
export function linearEngineAvailable(): boolean {
  if (linear !== undefined) return linear;
  try {
    setFlagsFromString('--enable-experimental-regexp-engine');
    linear = new RegExp('a', LINEAR_FLAG).flags.includes(LINEAR_FLAG);
  } catch {
    linear = false;
  }
  return linear;
}

export type LinearRegex = { ok: true; re: RegExp } | { ok: false; problem: string };

/** Compiles a pack regex for linear-time matching, or says in one sentence why it cannot be. */
export function compileLinear(source: string): LinearRegex {
  if (source.length > MAX_REGEX_CHARS) return { ok: false, problem: `is ${source.length} characters long; keep it under ${MAX_REGEX_CHARS} (split the rule, or match a substring)` };
  if (/^\/.*\/[a-z]*$/s.test(source) && source.length > 1) return { ok: false, problem: 'is written with slashes (/…/flags): give the bare pattern, e.g. \'lock (\\w+) lost\'' };
  try {
    new RegExp(source);
  } catch (e) {
    return { ok: false, problem: `is not a valid regular expression (${e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e)})` };
  }
  if (!linearEngineAvailable()) return { ok: false, problem: 'cannot be checked: this Node.js has no linear-time regex engine, so pack regexes are refused (use match.substring)' };
  try {
    return { ok: true, re: new RegExp(source, LINEAR_FLAG) };
  } catch {
    return {
      ok: false,
      problem: 'cannot run in linear time, so a hostile log line could stall the bot: backreferences (\\1, \\k<name>), lookahead ((?=, (?!), counted repeats above {n,16} (write + or *) and inline flags such as (?i:…) are not supported; rewrite it without them',
    };
  }
}
