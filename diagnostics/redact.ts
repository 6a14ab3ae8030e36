// Secret masking. Applied to every string the engine outputs, and available to capture and renderers.
import type { Snapshot } from './types.ts';

export const MASK = '[REDACTED]';

const SECRET_KEY = '[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?key)[A-Za-z0-9_.-]*';

// Order matters: whole-token forms first, then key/value forms.
// Replacers get the groups, then the match offset and the whole string (as String.prototype.replace passes them).
type Replacer = (m: string, ...g: never[]) => string;
const RULES: [RegExp, string | Replacer][] = [
  // PEM private keys (also inside JSON strings with escaped newlines, as in GCP service-account keys).
  [/-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g, `-----BEGIN PRIVATE KEY-----${MASK}-----END PRIVATE KEY-----`],
  // Slack tokens and signing-like secrets.
  [/\bxox[abposer]-[A-Za-z0-9-]{6,}/g, `xox?-${MASK}`],
  [/\bxapp-[A-Za-z0-9-]{6,}/g, `xapp-${MASK}`],
  // GitHub tokens.
  [/\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,})/g, `gh_${MASK}`],
  // JWTs (header.payload.signature, base64url).
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, `jwt:${MASK}`],
  // Authorization headers.
  [/\b(Bearer|Basic|Token)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi, (_m, scheme: string, sp: string) => `${scheme}${sp}${MASK}`],
  // AWS access key ids.
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b/g, `AKIA${MASK}`],
  // Passwords in URLs and DSNs: scheme://user:pass@host
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:@/'"]*):([^\s@/'"]+)@/gi, (_m, pre: string) => `${pre}:${MASK}@`],
  // JSON/YAML/env/logfmt/DSN key-value pairs whose key names a secret.
  [
    new RegExp(`(["']?\\b${SECRET_KEY}["']?)(\\s*[=:]\\s*|"\\s*:\\s*)(["']?)([^\\s"',;&})\\]]+)`, 'gi'),
    (m: string, key: string, sep: string, q: string, value: string, offset: number, whole: string) => {
      // A path ending in a secret-ish name is not a key: "open /var/run/secrets/.../token: permission denied".
      if (whole[offset - 1] === '/' || whole[offset - 1] === '\\') return m;
      // "using password: YES" (MySQL) and empty/placeholder values are not secrets.
      if (/^(?:yes|no|true|false|null|none|\[redacted.*|\*+|<[^>]*>?)$/i.test(value)) return m;
      if (value.startsWith('[REDACTED')) return m;
      return `${key}${sep}${q}${MASK}`;
    },
  ],
];

/** Masks tokens, passwords, keys and private material in free text. Idempotent. */
export function redactText(text: string): string {
  if (typeof text !== 'string' || text === '') return typeof text === 'string' ? text : '';
  let out = text;
  for (const [re, rep] of RULES) {
    re.lastIndex = 0;
    out = typeof rep === 'string' ? out.replace(re, rep) : out.replace(re, rep as (m: string, ...g: unknown[]) => string);
  }
  return out;
}

const SECRET_NAME = new RegExp(`^${SECRET_KEY}$`, 'i');

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
      if (envLike && k === 'value' && SECRET_NAME.test(src.name as string) && v !== '') out[k] = MASK;
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
