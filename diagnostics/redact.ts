// Secret masking. Applied to every string the engine outputs, and used by every outbound path in src/
// (Slack posts, file uploads, rollback diffs, logs). Linear on hostile input: each rule is either a
// regex anchored on a literal prefix with no nested or unbounded ambiguous quantifier, or a scanner that
// walks the text once (URL userinfo, key/value pairs). docs/redaction.md lists what is and is not covered.
import type { Snapshot } from './types.ts';
import { maskKeyValues, isSecretName } from './redact-kv.ts';

export const MASK = '[REDACTED]';

type Replacer = (m: string, ...groups: string[]) => string;

// Whole-token forms: a literal prefix anchors each one, so a regex engine tries it only where it can start.
const TOKEN_RULES: [RegExp, string | Replacer][] = [
  // PEM private keys (also inside JSON strings with escaped newlines, as in GCP service-account keys).
  [/-----BEGIN ((?:[A-Z0-9]{1,16} ){0,4})PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g, `-----BEGIN PRIVATE KEY-----${MASK}-----END PRIVATE KEY-----`],
  // Slack: bot/user/app/config tokens and incoming-webhook or workflow URLs.
  [/\bxox[abposer]-[A-Za-z0-9-]{6,256}/g, `xox?-${MASK}`],
  [/\bxapp-[A-Za-z0-9-]{6,256}/g, `xapp-${MASK}`],
  [/\bhooks\.slack(?:-gov)?\.com\/(services|workflows|triggers)\/[A-Za-z0-9_/-]{1,256}/g, (_m, kind) => `hooks.slack.com/${kind}/${MASK}`],
  // GitHub tokens.
  [/\b(?:gh[pousr]_[A-Za-z0-9]{16,256}|github_pat_[A-Za-z0-9_]{20,256})/g, `gh_${MASK}`],
  // GitLab personal, deploy, runner, CI job … tokens.
  [/\b(gl(?:pat|dt|rt|ptt|cbt|imt|ft|soat|oas|agent))-[A-Za-z0-9_-]{16,256}/g, (_m, kind) => `${kind}-${MASK}`],
  // Stripe secret and restricted keys, webhook signing secrets.
  [/\b((?:sk|rk)_(?:live|test)|whsec)_[A-Za-z0-9]{16,256}/g, (_m, kind) => `${kind}_${MASK}`],
  // Google API keys.
  [/\bAIza[0-9A-Za-z_-]{35}/g, `AIza${MASK}`],
  // SendGrid API keys: SG.<id>.<secret>.
  [/\bSG\.[A-Za-z0-9_-]{16,64}\.[A-Za-z0-9_-]{16,128}/g, `SG.${MASK}`],
  // npm access tokens.
  [/\bnpm_[A-Za-z0-9]{36}\b/g, `npm_${MASK}`],
  // JWTs (header.payload.signature, base64url).
  [/\beyJ[A-Za-z0-9_-]{4,8192}\.[A-Za-z0-9_-]{4,65536}\.[A-Za-z0-9_-]{0,8192}/g, `jwt:${MASK}`],
  // Authorization headers.
  [/\b(Bearer|Basic|Token)(\s{1,16})[A-Za-z0-9._~+/=-]{8,8192}/gi, (_m, scheme, sp) => `${scheme}${sp}${MASK}`],
  // AWS access key ids.
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b/g, `AKIA${MASK}`],
];

/** Where a URL token ends: whitespace, quotes and angle brackets never belong to it. */
const URL_END = `[\\s'"<>\`]`;
const PORT = /^\d{1,5}$/;

function isSchemeChar(x: number): boolean {
  return (x >= 97 && x <= 122) || (x >= 65 && x <= 90) || (x >= 48 && x <= 57) || x === 43 || x === 46 || x === 45;
}

/** The next index ≥ from matching `pattern` (text.length if none). Callers query with non-decreasing `from`. */
function cursor(text: string, pattern: string): (from: number) => number {
  const re = new RegExp(pattern, 'g');
  let found = -1;
  return (from) => {
    if (from <= found) return found;
    re.lastIndex = from;
    found = re.exec(text)?.index ?? text.length;
    return found;
  };
}

/**
 * Passwords in URLs and DSNs: scheme://user:pass@host. The password may itself hold "/" or "@", so the
 * userinfo ends at the last "@" before the query, fragment or end of the URL; a ":digits/" after the
 * host is a port. Every "://" is examined, nested URLs included, with forward-only cursors: linear.
 */
function maskUrlPasswords(text: string): string {
  if (!text.includes('://')) return text;
  const tokenEnd = cursor(text, URL_END);
  const queryOrEnd = cursor(text, `[?#]|${URL_END}`);
  const nextColon = cursor(text, ':');
  const slashAfterStart = cursor(text, '/');
  const slashAfterColon = cursor(text, '/');
  const nextAt = cursor(text, '@');
  // The last "@" before `end`, for non-decreasing `end`.
  let scannedTo = 0;
  let lastAt = -1;
  const atScan = cursor(text, '@');
  const lastAtBefore = (end: number): number => {
    for (let p = atScan(scannedTo); p < end; p = atScan(scannedTo)) {
      lastAt = p;
      scannedTo = p + 1;
    }
    scannedTo = Math.max(scannedTo, end);
    return lastAt;
  };
  let out = '';
  let from = 0;
  for (let at = text.indexOf('://'); at !== -1; at = text.indexOf('://', at + 3)) {
    const start = at + 3;
    if (start < from) continue;
    let s = at;
    while (s > 0 && at - s < 32 && isSchemeChar(text.charCodeAt(s - 1))) s--;
    const first = text.charCodeAt(s);
    if (s === at || !((first >= 97 && first <= 122) || (first >= 65 && first <= 90))) continue;
    const authEnd = Math.min(queryOrEnd(start), tokenEnd(start));
    const atSign = lastAtBefore(authEnd);
    if (atSign < start) continue;
    const colon = nextColon(start);
    if (colon >= atSign) continue;
    if (slashAfterStart(start) < colon || nextAt(start) < colon) continue;
    const slash = slashAfterColon(colon);
    if (slash < atSign && slash - colon - 1 <= 5 && PORT.test(text.slice(colon + 1, slash))) continue;
    if (colon + 1 === atSign || (atSign - colon - 1 === MASK.length && text.slice(colon + 1, atSign) === MASK)) continue;
    out += `${text.slice(from, colon + 1)}${MASK}`;
    from = atSign;
  }
  return from === 0 ? text : out + text.slice(from);
}

const MYSQL_P = /(^|\s|["'[,])-p(?![\s-])(?!\[REDACTED\])[^\s"',\]]+/g;
const MYSQL = /\b(?:mysql|mariadb)/i;

/** MySQL/MariaDB clients take the password glued to -p: `mysql -uroot -pHunter2`. Only on such command lines. */
function maskMysqlPasswords(text: string): string {
  if (!MYSQL.test(text)) return text;
  return text
    .split('\n')
    .map((line) => (MYSQL.test(line) ? line.replace(MYSQL_P, (_m, pre: string) => `${pre}-p${MASK}`) : line))
    .join('\n');
}

/** Masks tokens, passwords, keys and private material in free text. Idempotent; linear in the input. */
export function redactText(text: string): string {
  if (typeof text !== 'string' || text === '') return typeof text === 'string' ? text : '';
  let out = text;
  for (const [re, rep] of TOKEN_RULES) {
    re.lastIndex = 0;
    out = typeof rep === 'string' ? out.replace(re, rep) : out.replace(re, rep as (m: string, ...g: unknown[]) => string);
  }
  out = maskUrlPasswords(out);
  out = maskKeyValues(out, MASK);
  return maskMysqlPasswords(out);
}

/** Flags whose next argument is a secret when written as two words: ["--db-password", "x"]. */
function takesSecretValue(arg: string): boolean {
  return /^--?[A-Za-z0-9_.-]{1,64}$/.test(arg) && !arg.includes('=') && isSecretName(arg.replace(/^-+/, ''));
}

/** An argv with secrets masked: each argument redacted, and the value after a secret-named flag masked. */
export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  const mysql = argv.some((a) => MYSQL.test(a));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const previous = i > 0 ? (argv[i - 1] as string) : '';
    if (takesSecretValue(previous) && !arg.startsWith('-') && arg !== '') out.push(MASK);
    else if (mysql && /^-p[^-]/.test(arg)) out.push(`-p${MASK}`);
    else out.push(redactText(arg));
  }
  return out;
}

/**
 * The last `maxChars` of a log (cut at a line start), redacted: what may leave the bot. Hostile pods write
 * megabytes; only what is shown or uploaded is ever scanned. `omitted` counts the characters dropped.
 */
export function redactTail(text: string, maxChars: number): { text: string; omitted: number } {
  if (text.length <= maxChars) return { text: redactText(text), omitted: 0 };
  let start = text.length - maxChars;
  const nl = text.indexOf('\n', start);
  if (nl !== -1 && nl - start < 4096) start = nl + 1;
  return { text: redactText(text.slice(start)), omitted: start };
}

/** Deep copy with every string redacted; env values whose name looks secret are masked whole. */
export function redactDeep<T>(value: T, depth = 0): T {
  if (depth > 64) return value;
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1)) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const envLike = typeof src.name === 'string' && 'value' in src && typeof src.value === 'string';
    for (const [k, v] of Object.entries(src)) {
      if (envLike && k === 'value' && isSecretName(src.name as string) && v !== '') out[k] = MASK;
      else out[k] = redactDeep(v, depth + 1);
    }
    return out as T;
  }
  return value;
}

/** A redacted copy of a snapshot: safe to print, post or store. */
export function redactSnapshot(s: Snapshot): Snapshot {
  return redactDeep(s);
}
