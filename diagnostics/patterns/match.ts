// Picks the log line that explains the crash: the last decisive line before exit wins over earlier
// noise, warnings and deprecations never count, and a generic crash marker (a bare panic or
// FATAL) only outranks an earlier specific signature when it is clearly a separate, later failure.
import type { CauseId } from '../types.ts';
import type { LogLine } from '../context.ts';
import type { LogPattern } from './types.ts';
import { LOG_PATTERNS } from './index.ts';
import { BLOCKED_BY_ROLE, completeCut, lineRole } from './families.ts';

export interface LogMatch {
  pattern: LogPattern;
  cause: CauseId;
  line: LogLine;
  index: number;
  weight: number;
  title: string;
  subject?: string;
}

const WARN_RE = /(?:^|[\s[|"'(:])(?:WARN|WARNING|Warning:|W\d{4} \d\d:\d\d|DeprecationWarning|FutureWarning|UserWarning|PendingDeprecationWarning|[Dd]eprecated|DEPRECATED|level=warn(?:ing)?|"level":\s*"warn(?:ing)?"|\[warn\]|npm WARN|npm warn)\b/;
const FATAL_HINT = /\b(?:FATAL|ERROR|[Ee]rror|panic|PANIC|emerg|[Ee]xception|CRITICAL)\b/;

/** Lines that are warnings: never the cause of a crash, even when they mention a failure. */
export function isWarning(text: string): boolean {
  if (!WARN_RE.test(text)) return false;
  // "WARN … ERROR" style mixed lines are rare; a line whose level token comes first is a warning.
  const w = WARN_RE.exec(text);
  const f = FATAL_HINT.exec(text);
  return !(f && w && f.index < w.index);
}

/**
 * `$1` falls back to the match's subject when group 1 did not take part (alternatives capture in other groups).
 * Tidying drops empty "()" and '""' and a dangling ':' without `\s*…$` scans, which are quadratic on a
 * long run of spaces in a log-derived subject.
 */
function fill(title: string, m: RegExpExecArray, subject?: string): string {
  let t = title.replace(/\$(\d)/g, (_s, d: string) => m[Number(d)] || (d === '1' ? subject ?? '' : '')).replace(/\(\s*\)|""/g, '').replace(/\s{2,}/g, ' ').trim();
  if (t.endsWith(':')) t = t.slice(0, -1).trimEnd();
  return t;
}

/** Warnings count only for definitive signatures (MySQL logs "Access denied" as a [Warning]), a little weaker. */
const WARNING_MIN_WEIGHT = 3.6;
const WARNING_PENALTY = 0.5;

const CUT_LOOKBACK = 3;

export function matchLine(lines: LogLine[], index: number, patterns: LogPattern[] = LOG_PATTERNS, warningMinWeight = WARNING_MIN_WEIGHT): LogMatch | undefined {
  const line = lines[index];
  if (!line) return undefined;
  const warning = isWarning(line.text);
  const blocked = BLOCKED_BY_ROLE[lineRole(line.text)];
  let best: LogMatch | undefined;
  for (const p of patterns) {
    if (blocked.has(p.cause)) continue;
    const weight = warning ? p.weight - WARNING_PENALTY : p.weight;
    if (warning && p.weight < warningMinWeight) continue;
    if (best && weight <= best.weight) continue;
    p.re.lastIndex = 0;
    const m = p.re.exec(line.text);
    if (!m) continue;
    const cause = p.classify ? p.classify(m, lines, index) : p.cause;
    if (cause === null || blocked.has(cause)) continue;
    const subjectRaw = p.subject !== undefined ? m[p.subject] : undefined;
    const subject = p.fixedSubject ?? subjectRaw ?? m.slice(1).find((g) => typeof g === 'string' && g !== '');
    best = { pattern: p, cause, line, index, weight, title: fill(p.title, m, subject), subject };
  }
  if (best?.pattern.effectiveWeight !== undefined) best.weight = best.pattern.effectiveWeight;
  // The last lines of a log may be cut mid-word: complete the phrase they were cut in and match again; the
  // evidence still quotes the line as it was.
  if ((!best || best.weight < 2) && index >= lines.length - CUT_LOOKBACK) {
    const done = completeCut(line.text);
    if (done !== undefined) {
      const copy = lines.slice();
      copy[index] = { ...line, text: done };
      const m = matchLine(copy, index, patterns, warningMinWeight);
      if (m && (!best || m.weight > best.weight)) return { ...m, line };
    }
  }
  return best;
}


const SEPARATE_FAILURE_GAP = 10;

// Lines that continue the failure before them rather than report a new one: stack frames and other indented
// continuation lines, "... 12 more", and shutdown chatter ("shutting down", "shut down completed"). Kafka logs
// "ZkTimeoutException: Unable to connect to zookeeper", its 10-frame stack, two shutdown lines, then a generic
// "Fatal error during KafkaServerStartable startup": the same failure restated, not a separate one.
const CONTINUATION_RE = /^\s|^\.\.\. \d+ (?:more|common frames)|^Caused by:|\b(?:shutting down|shut ?down (?:completed?|finished)|[Pp]repare to shut ?down|[Ss]topping (?:the )?(?:server|application|service)|[Cc]losing (?:the )?(?:server|connections?|client))\b/;

/** How many lines between two matches report something new (continuations and shutdown chatter do not). */
function contentGap(lines: LogLine[], from: number, to: number): number {
  let n = 0;
  for (let i = from + 1; i < to; i++) if (!CONTINUATION_RE.test(lines[i]?.text ?? '')) n++;
  return n + 1;
}
const DOMINANCE = 1;

// Causes that produce other failures downstream, and the failures they produce: an unset DB_HOST
// is followed by "connection refused", a missing config file by "invalid configuration".
const ROOT_CAUSES = new Set<CauseId>(['missing-env-var', 'missing-dependency', 'config-ref-missing', 'config-file-missing']);
const SYMPTOMS = new Set<CauseId>(['dependency-unreachable', 'dns-failure', 'auth-failure', 'config-invalid', 'app-error']);
const SYMPTOM_SPAN = 30;

// A CRLF script keeps running with a carriage return glued to every word: "cd /opt/app\r" fails, then
// "python3 main.py\r" cannot open its file. Those missing files and commands are its symptoms.
const SYMPTOMS_OF: Partial<Record<CauseId, Set<CauseId>>> = {
  'not-executable': new Set<CauseId>(['config-file-missing', 'command-not-found', 'app-error']),
  // A failed TLS exchange ends the connection: busybox wget prints the peer's alert and then "Connection reset by
  // peer"; the reset is the handshake's consequence, not a separate unreachable dependency.
  'tls-error': new Set<CauseId>(['dependency-unreachable']),
};

function isSymptomOf(later: LogMatch, earlier: LogMatch): boolean {
  if (later.index - earlier.index > SYMPTOM_SPAN || earlier.weight < 3.2) return false;
  return (ROOT_CAUSES.has(earlier.cause) && SYMPTOMS.has(later.cause)) || SYMPTOMS_OF[earlier.cause]?.has(later.cause) === true;
}

const RESTATE_SPAN = 8;

// A multi-line error restates its headline: Node prints "Error: connect ECONNREFUSED 10.0.0.5:5432"
// and then the error object's fields ("code: 'ECONNREFUSED',"). The headline is the line to quote.
// The restatement may match a vaguer signature of the same cause: AWS prints "AccessDenied: Not authorized
// to perform sts:AssumeRoleWithWebIdentity" and then "status code: 403, request id: …".
// The same signature naming the same subject again soon after is a cascade of the first report (Erlang logs the
// crash of a process and then, longer, the exit of its supervisor): the first, tighter line is the one to quote.
function restates(later: LogMatch, earlier: LogMatch): boolean {
  if (later.cause !== earlier.cause || later.index - earlier.index > RESTATE_SPAN) return false;
  if (later.pattern === earlier.pattern && later.subject !== undefined && later.subject === earlier.subject && later.weight <= earlier.weight) return true;
  return (later.pattern === earlier.pattern ? later.weight <= earlier.weight : later.weight < earlier.weight)
    && later.line.text.trim().length < earlier.line.text.trim().length;
}

/** The match that explains the crash, or undefined. */
export function selectLogMatch(lines: LogLine[], patterns: LogPattern[] = LOG_PATTERNS): LogMatch | undefined {
  let specific: LogMatch | undefined;
  let generic: LogMatch | undefined;
  let marker: LogMatch | undefined;
  for (let i = 0; i < lines.length; i++) {
    const m = matchLine(lines, i, patterns);
    if (!m) continue;
    // A later line replaces the current explanation unless it is much weaker: shutdown chatter
    // ("find: …: No such file or directory") does not bury the definitive line before it.
    if (m.weight >= 2) { if (!specific || (m.weight >= specific.weight - DOMINANCE && !isSymptomOf(m, specific) && !restates(m, specific))) specific = m; }
    else if (m.weight >= 1) generic = m;
    else marker = m;
  }
  if (specific && generic && contentGap(lines, specific.index, generic.index) > SEPARATE_FAILURE_GAP) return generic;
  if (!specific && generic) return causeWarnedBefore(lines, generic, patterns) ?? generic;
  return specific ?? generic ?? marker;
}

const WARNING_LOOKBACK = 15;
const WARNING_CAUSE_MIN_WEIGHT = 3;

// Some runtimes log the cause at WARN and then die with a generic fatal line: Kafka warns "DNS resolution failed
// for kafka-headless" and then aborts with "Fatal error during KafkaServer startup / KafkaException". When the
// only failure is such a generic crash marker, a meaningful signature in a warning just before it is the cause.
function causeWarnedBefore(lines: LogLine[], generic: LogMatch, patterns: LogPattern[]): LogMatch | undefined {
  for (let i = generic.index - 1; i >= Math.max(0, generic.index - WARNING_LOOKBACK); i--) {
    if (!isWarning(lines[i]?.text ?? '')) continue;
    const m = matchLine(lines, i, patterns, WARNING_CAUSE_MIN_WEIGHT);
    if (m && m.cause !== 'app-error' && m.pattern.weight >= WARNING_CAUSE_MIN_WEIGHT) return m;
  }
  return undefined;
}
