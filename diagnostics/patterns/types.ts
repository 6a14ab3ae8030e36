import type { CauseId, FixSpecificKind } from '../types.ts';
import type { LogLine } from '../context.ts';

/** One log signature. `weight` ranks signatures on the same line: 1 = a generic crash marker
 *  (stack trace, panic, FATAL) that only says "the app crashed", 2 = a meaningful but broad
 *  signature ("connection refused"), 3+ = a definitive one (loader error, CoreDNS loop). */
export interface LogPattern {
  id: string;
  cause: CauseId;
  re: RegExp;
  weight: number;
  /** Title with $1..$9 replaced by the match groups. */
  title: string;
  /** Group holding the subject (module, file, variable, host), if any. */
  subject?: number;
  /** Refines the cause from the match and its surroundings; null rejects the match. */
  classify?: (m: RegExpExecArray, lines: LogLine[], index: number) => CauseId | null;
  /** Weight the match counts with, when it differs from `weight` (which decides who claims a line):
   *  lets a known red herring claim its line and then step aside. */
  effectiveWeight?: number;
  /** Also match probe/event messages (component health messages like calico's). */
  events?: boolean;
  /** The subject when the line implies it without naming it (Rails' secret_key_base is SECRET_KEY_BASE). */
  fixedSubject?: string;
  /** The fix's first move when this signature knows better than its cause's generic fix. */
  fixAdvice?: string;
  /** The fix kind when this signature's fix is not its cause's usual one (a CoreDNS forwarding loop is fixed in the
   *  kubelet's or CoreDNS's configuration, not by correcting a name). */
  fixKind?: FixSpecificKind;
}

/** Names that look like environment variables rather than dict keys: DATABASE_URL, API_KEY, PORT. */
export function envLike(name: string): boolean {
  return /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(name) || /^(?:PORT|HOST|HOSTNAME|TOKEN|SECRET|PASSWORD|USER|USERNAME|ENV|ENVIRONMENT|DEBUG|STAGE)$/.test(name);
}

/** Did the lines just before `index` read the environment (os.environ, getenv, ENV[…], Node's env object)? */
export function readsEnvNear(lines: LogLine[], index: number, span = 8): boolean {
  for (let i = Math.max(0, index - span); i <= index && i < lines.length; i++) {
    if (/os\.environ|getenv|\bENV(?:\.fetch|\[)|process\.env|environ\[|env::var|System\.getenv/.test(lines[i]?.text ?? '')) return true;
  }
  return false;
}
