// Key/value secrets (env, logfmt, JSON, YAML, DSNs, connection strings, CLI flags) found by scanning:
// a regex finds a secret-ish word (a bounded alternation, O(1) per position), then plain code reads the
// key around it, the separator and the value, and the scan resumes after the value. No backtracking
// over runs of key characters, so hostile input (a megabyte of hex, "a=a=a=…", open quotes) is linear.

/** Names whose value is always a secret. */
const STRONG = /password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth[_-]?key|account[_-]?key|shared[_-]?access[_-]?key|credentials?|client[_-]?secret/i;
/** Names that are secrets only at the end of a key: DB_PASS, MYSQL_PWD, sig (Azure SAS), … */
const STRONG_SUFFIX = /(?:^|[_.-])(?:pass|pwd|sig)$|^(?:pass|pwd|sig)$/i;
/** Names whose value is a secret when it looks like base64 (auth: dXNlcjpw…, *_KEY: …, .dockerconfigjson). */
const WEAK = /auth|key|dockerconfigjson|dockercfg|signature/i;
/** Any of the above, to find candidates. Case-insensitive, bounded alternatives. */
const CANDIDATE = /password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth[_-]?key|account[_-]?key|sharedaccesskey|credential|pass|pwd|sig|auth|key|dockerconfigjson|dockercfg/gi;

const MAX_KEY = 64;
const MAX_SPACE = 16;
/** Longest quoted value scanned for its closing quote; past that the rest of the line is masked. */
const MAX_QUOTED = 4096;
/** Where an unquoted value ends: whitespace, quotes, separators and closing brackets. */
function isValueStop(x: number): boolean {
  return x <= 32 || x === 34 || x === 39 || x === 44 || x === 59 || x === 38 || x === 125 || x === 41 || x === 93 || x === 0x85 || x === 0xa0 || x === 0x2028 || x === 0x2029 || x === 0xfeff;
}
const NOT_A_SECRET = /^(?:yes|no|true|false|null|nil|none|undefined|required|optional|\*+|-+)$/i;
const BASE64ISH = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
const KEY_SUFFIX = /(?:^|[_.-])key$/i;
const AUTH = /auth/i;
const DIGIT = /\d/;
const LETTER = /[A-Za-z]/;

/** True when a variable or key of this name holds a secret (env values are masked whole). */
export function isSecretName(name: string): boolean {
  if (name.length > 256) return false;
  return STRONG.test(name) || STRONG_SUFFIX.test(name) || KEY_SUFFIX.test(name) || AUTH.test(name);
}

function isKeyChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const x = c.charCodeAt(0);
  return (x >= 97 && x <= 122) || (x >= 65 && x <= 90) || (x >= 48 && x <= 57) || x === 95 || x === 46 || x === 45;
}

function skipSpaces(text: string, i: number): number {
  let j = i;
  while (j < text.length && j - i < MAX_SPACE && (text[j] === ' ' || text[j] === '\t')) j++;
  return j;
}

interface Value {
  /** Where the masked part starts and ends (inside quotes for a quoted value). */
  start: number;
  end: number;
  /** Where scanning resumes. */
  next: number;
  text: string;
}

function readValue(text: string, i: number, mask: string): Value | undefined {
  const q = text[i];
  if (q === '"' || q === "'") {
    let j = i + 1;
    const limit = Math.min(text.length, i + 1 + MAX_QUOTED);
    while (j < limit && text[j] !== q && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
    if (j < limit && text[j] === q) return { start: i + 1, end: j, next: j + 1, text: text.slice(i + 1, j) };
    // No closing quote on the line: mask to the end of the line (never leak the tail of "hunter 2).
    let e = j;
    while (e < text.length && text[e] !== '\n') e++;
    return { start: i + 1, end: e, next: e, text: text.slice(i + 1, e) };
  }
  let j = i;
  while (j < text.length) {
    if (text[j] === mask[0] && text.startsWith(mask, j)) j += mask.length;
    else if (isValueStop(text.charCodeAt(j))) break;
    else j++;
  }
  if (j === i) return undefined;
  return { start: i, end: j, next: j, text: text.slice(i, j) };
}

/** Masks the value of every secret-named key: `password=x`, `"token": "x"`, `--db-password x`, `AccountKey=x;`. */
export function maskKeyValues(text: string, mask: string): string {
  CANDIDATE.lastIndex = 0;
  let out = '';
  let from = 0;
  for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
    // The whole key around the word, bounded: a run longer than MAX_KEY is not a key.
    let k = m.index;
    while (k > 0 && m.index - k <= MAX_KEY && isKeyChar(text[k - 1])) k--;
    let e = m.index + m[0].length;
    while (e < text.length && e - m.index <= MAX_KEY && isKeyChar(text[e])) e++;
    CANDIDATE.lastIndex = Math.max(CANDIDATE.lastIndex, e);
    if (k < from || m.index - k > MAX_KEY || isKeyChar(text[e])) continue;
    // A path ending in a secret-ish name is not a key: "open /var/run/secrets/.../token: permission denied".
    if (text[k - 1] === '/' || text[k - 1] === '\\') continue;
    const key = text.slice(k, e);
    const name = key.replace(/^-+/, '');
    const strong = STRONG.test(name) || STRONG_SUFFIX.test(name);
    if (!strong && !WEAK.test(name)) continue;
    // Separator: optional closing quote of a quoted key, then = or :, or (for a --flag) spaces.
    let i = e;
    const quotedKey = text[i] === '"' || text[i] === "'";
    if (quotedKey) i++;
    const afterKey = skipSpaces(text, i);
    let v: number;
    if (text[afterKey] === '=' || text[afterKey] === ':') {
      if (text[afterKey] === ':' && text[afterKey + 1] === '/' && text[afterKey + 2] === '/') continue;
      v = skipSpaces(text, afterKey + 1);
    } else if (key.startsWith('-') && quotedKey && text[afterKey] === ',') {
      // An argv printed as JSON: ["--db-password", "x"].
      v = skipSpaces(text, afterKey + 1);
      if ((text[v] !== '"' && text[v] !== "'") || text[v + 1] === '-') continue;
    } else if (key.startsWith('-') && afterKey > i && text[afterKey] !== '-') {
      v = afterKey;
    } else continue;
    const value = readValue(text, v, mask);
    if (value === undefined) continue;
    CANDIDATE.lastIndex = Math.max(CANDIDATE.lastIndex, value.next);
    const raw = value.text;
    if (raw === '' || raw === mask || NOT_A_SECRET.test(raw) || raw.startsWith('<') || raw.startsWith('{') || (raw.startsWith('[') && !raw.startsWith(mask))) continue;
    if (!strong && !(BASE64ISH.test(raw) && DIGIT.test(raw) && LETTER.test(raw))) continue;
    out += text.slice(from, value.start) + mask;
    from = value.end;
  }
  return from === 0 ? text : out + text.slice(from);
}
