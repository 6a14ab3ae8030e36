// Every log-based cause: the pattern library picks the line that explains the crash in the logs
// of the crashed instance (and the termination message). Confidence follows the signature's
// weight, always below the status- and event-based rules.
import type { Finding, Rule } from '../types.ts';
import type { ContainerCtx, Context, LogLine } from '../context.ts';
import { logEvidence, statusEvidence } from '../evidence.ts';
import { failing, makeFinding } from '../finding.ts';
import { LOG_PATTERNS } from '../patterns/index.ts';
import { selectLogMatch } from '../patterns/match.ts';
import { shellCommand } from '../shell.ts';

const EVENT_PATTERNS = LOG_PATTERNS.filter((p) => p.events === true);

export function logConfidence(weight: number): number {
  return Math.max(0.5, Math.min(0.88, 0.45 + 0.1 * weight));
}

const KLOG_PREFIX = /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+\s+[\w.-]+:\d+\]\s*/;
const TIME_PREFIX = /^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?(?: (?:UTC|GMT|[A-Z]{3,4}))?\]?\s+/;
const LOGFMT_MSG = /\bmsg="((?:\\.|[^"\\])*)"/;
// A value whose closing quote was cut off (a log line truncated when copied or capped) runs to the end of the line.
const LOGFMT_ERR = /\berr(?:or)?="((?:\\.|[^"\\])*)(?:"|$)/;

function field(o: Record<string, unknown>, ...keys: string[]): string {
  for (const k of keys) if (typeof o[k] === 'string' && o[k] !== '') return o[k];
  return '';
}

/**
 * What a title quotes from a log line: the message and error of a structured (JSON or logfmt) line rather than its
 * timestamps and stack field, and a glog/klog or timestamped line without its prefix. Evidence keeps the line verbatim.
 */
export function excerptOf(line: string): string {
  const t = line.trim();
  if (t.startsWith('{') && t.endsWith('}')) {
    try {
      const o: unknown = JSON.parse(t);
      if (o && typeof o === 'object' && !Array.isArray(o)) {
        const rec = o as Record<string, unknown>;
        const parts = [field(rec, 'msg', 'message'), field(rec, 'error', 'err', 'exception')].filter((p) => p !== '');
        if (parts.length > 0) return parts.join(': ');
      }
    } catch {
      // Not JSON after all: quote it as it is.
    }
  }
  const msg = LOGFMT_MSG.exec(t)?.[1];
  const err = LOGFMT_ERR.exec(t)?.[1];
  if (msg !== undefined || err !== undefined) {
    const parts = [msg, err].filter((p): p is string => p !== undefined && p !== '').map((p) => p.replace(/\\"/g, '"').replace(/\\[nt]/g, ' '));
    if (parts.length > 0) return parts.join(': ');
  }
  const bare = t.replace(KLOG_PREFIX, '').replace(TIME_PREFIX, '');
  return bare !== '' ? bare : t;
}

/** Generic signature titles quote the line itself, so the title alone says what happened. */
export function titleFor(container: string, title: string, template: string, line: string): string {
  if (template.includes('$')) return `"${container}": ${title}`;
  const excerpt = excerptOf(line).replace(/\s+/g, ' ');
  return `"${container}": ${title}: ${excerpt.length > 160 ? `${excerpt.slice(0, 157)}...` : excerpt}`;
}

const LOOPBACK = /(?:\b127\.0\.0\.1|\blocalhost|\[::1\]):(\d{2,5})\b/;

/**
 * A refused connection to localhost inside a pod reaches the pod itself: either a sibling container
 * should serve that port, or the app was configured for a laptop and must be pointed at a Service.
 */
export function loopbackAdvice(ctx: Context, c: ContainerCtx, line: string): string | undefined {
  const m = LOOPBACK.exec(line);
  if (!m) return undefined;
  const addr = m[0];
  const port = m[1] ?? '';
  const siblings = ctx.containers.filter((o) => o.name !== c.name && o.type !== 'init').map((o) => o.name);
  if (siblings.length === 0) {
    return `${c.name} connects to ${addr}, which inside a pod is the pod itself, and nothing else runs in it: point ${c.name} at the dependency's Service (<service>.<namespace>.svc:${port}) in its configuration or environment instead of localhost.`;
  }
  return `${c.name} connects to ${addr}, that is to another container of this pod (${siblings.join(', ')}): check that it listens on port ${port} and is up when ${c.name} starts; if the dependency runs elsewhere, point ${c.name} at its Service instead of localhost.`;
}

// The Kubernetes API refusing the pod's own ServiceAccount: RBAC, not a password in a Secret.
const K8S_API_PATH = String.raw`(?:\/api\/v1\/(?:namespaces|pods|secrets|configmaps|services|endpoints|nodes|events|serviceaccounts|persistentvolumes|persistentvolumeclaims)\b|\/apis\/(?:apps|batch|policy|autoscaling|[\w-]+(?:\.[\w-]+)+)\/v\d\w*\/|kubernetes\.default)`;
const K8S_API_DENIAL = new RegExp(String.raw`is forbidden: User "system:serviceaccount:|(?:[Ss]tatus(?:Code)?\(403\)|\b403\b|[Ff]orbidden)[^\n]*${K8S_API_PATH}|${K8S_API_PATH}[^\n]*(?:[Ss]tatus(?:Code)?\(403\)|\b403\b|[Ff]orbidden)`);
const RBAC_VERB_RESOURCE = /cannot (\w+) resource "([^"]+)"(?: in API group "([^"]*)")?/;
const API_PATH_RESOURCE = /\/apis?\/(?:([\w.-]+)\/)?v\d\w*\/(?:namespaces\/[^/\s"')]+\/)?([a-z][\w-]*)/;

/** When the API server refused the pod's ServiceAccount, the fix is a Role and a binding, with the names filled in. */
export function rbacAdvice(ctx: Context, c: ContainerCtx, line: string): string | undefined {
  if (!K8S_API_DENIAL.test(line)) return undefined;
  const sa = `system:serviceaccount:${ctx.namespace}:${ctx.serviceAccount}`;
  const named = RBAC_VERB_RESOURCE.exec(line);
  const path = named ? undefined : API_PATH_RESOURCE.exec(line);
  const verb = named?.[1] ?? 'list';
  const resource = named?.[2] ?? path?.[2];
  const group = named ? named[3] : path?.[1];
  const target = resource ? `${resource}${group ? `.${group}` : ''}` : '<resource>';
  return `The Kubernetes API refused ServiceAccount ${ctx.namespace}/${ctx.serviceAccount} of ${c.name} (RBAC): grant it ${verb} on ${target} with a Role/ClusterRole and a binding (the chart's rbac.create, or the operator's ClusterRole), check with \`${shellCommand(['kubectl', 'auth', 'can-i', verb, target, `--as=${sa}`])}\`, then restart the pod.`;
}

function evaluate(ctx: Context): Finding[] {
  const out: Finding[] = [];
  for (const c of failing(ctx)) {
    let m = selectLogMatch(c.logLines);
    if (!m) {
      // The container's own events, then pod-level Warning events (the only account of a pod that never started).
      const events = [...c.events, ...(c.restartCount === 0 ? ctx.podEvents.filter((e) => e.type === 'Warning') : [])];
      const eventLines: LogLine[] = events.map((e, i) => ({ text: e.message, line: i + 1, source: `event ${e.reason}` }));
      m = selectLogMatch(eventLines, EVENT_PATTERNS);
      if (m) {
        const e = events[m.index];
        out.push(makeFinding(ctx, c, m.cause, logConfidence(m.weight) - 0.1, `"${c.name}": ${m.title}`,
          [...statusEvidence(c), { kind: 'event', source: `event ${e?.reason ?? ''}${e && e.count > 1 ? ` ×${e.count}` : ''}`, text: m.line.text }], undefined, { subject: m.subject }));
      }
      continue;
    }
    const ev = [...statusEvidence(c), logEvidence(m.line)];
    // A required credential that is set but empty surfaces later as the API's refusal: the variable is the finding.
    const empty = m.cause === 'auth-failure' ? emptyCredential(c, m.index) : undefined;
    if (empty) {
      const variable = empty.variable;
      out.push(makeFinding(ctx, c, 'missing-env-var', logConfidence(m.weight) + 0.02,
        `"${c.name}": ${variable ? `the environment variable ${variable} is set but empty` : 'a required credential is empty'}, so the API refuses it (${excerptOf(m.line.text).slice(0, 120)})`,
        [...ev, ...(empty.line ? [logEvidence(empty.line)] : []), ...(variable ? [{ kind: 'spec' as const, source: `spec.containers[${c.name}].env[${variable}]`, text: `${variable}: ""` }] : [])],
        undefined, { subject: variable }));
      continue;
    }
    // Any failure whose own lines name a variable the spec sets to "" is that empty variable surfacing (an SDK that
    // wants OPENAI_API_KEY, a parser given ''): the variable is the finding, whatever the line's own signature says.
    const named = emptyVariableNamed(c, m.index);
    if (named) {
      out.push(makeFinding(ctx, c, 'missing-env-var', Math.max(logConfidence(m.weight), 0.8) + 0.02,
        `"${c.name}": the environment variable ${named.variable} is set but empty (${excerptOf(named.line.text).slice(0, 120)})`,
        [...ev, ...(named.line === m.line ? [] : [logEvidence(named.line)]), { kind: 'spec' as const, source: `spec.containers[${c.name}].env[${named.variable}]`, text: `${named.variable}: ""` }],
        undefined, { subject: named.variable }));
      continue;
    }
    // A signature re-classified by context (KeyError on an env-like name) gets a title saying so.
    if (m.cause === 'missing-env-var' && m.pattern.cause !== 'missing-env-var' && m.subject) {
      out.push(makeFinding(ctx, c, m.cause, logConfidence(m.weight), `"${c.name}": the environment variable ${m.subject} is not set (${m.line.text.trim().slice(0, 120)})`, ev, undefined, { subject: m.subject }));
      continue;
    }
    const finding = makeFinding(ctx, c, m.cause, logConfidence(m.weight), titleFor(c.name, m.title, m.pattern.title, m.line.text), ev, undefined, { subject: m.subject, advice: m.pattern.fixAdvice ?? adviceFor(ctx, c, m.cause, m.line.text) });
    if (m.pattern.fixKind && m.cause === m.pattern.cause) finding.fix.fixKind = m.pattern.fixKind;
    out.push(finding);
  }
  return out;
}

const CREDENTIAL_NAME = /TOKEN|API_?KEY|SECRET|PASSWORD|PASSWD|PASS\b|CREDENTIAL|AUTH/i;
// A request or config line showing the credential it sent was empty: "Authorization: Bearer " and nothing after it,
// token="" / api_key: null.
const EMPTY_CREDENTIAL_LINE = /\b(?:Bearer|Token|Basic)\s*(?:$|["',;)\]}])|Authorization:\s*$|\b(?:token|api[_-]?key|apikey|password|secret|credentials?)["']?\s*[:=]\s*(?:""|''|null|None|nil|<nil>|undefined)?\s*(?:$|[,;}])|\b(?:token|api[_-]?key|password|secret) (?:is )?empty\b/i;

/** Evidence that the credential behind an auth refusal was empty: an env entry set to "" or a line showing it. */
function emptyCredential(c: ContainerCtx, index: number): { variable?: string; line?: LogLine } | undefined {
  const variable = c.emptyEnv.find((n) => CREDENTIAL_NAME.test(n));
  let line: LogLine | undefined;
  for (let i = Math.max(0, index - 8); i <= Math.min(c.logLines.length - 1, index + 2); i++) {
    const l = c.logLines[i];
    if (l && i !== index && EMPTY_CREDENTIAL_LINE.test(l.text)) { line = l; break; }
  }
  if (!line && c.logLines[index] && /\bBearer\s*(?:$|["',;)\]}])/.test(c.logLines[index].text)) line = c.logLines[index];
  return variable || line ? { ...(variable ? { variable } : {}), ...(line ? { line } : {}) } : undefined;
}

/** A variable the spec sets to "" that the decisive line (or the two around it) names as a whole word. */
function emptyVariableNamed(c: ContainerCtx, index: number): { variable: string; line: LogLine } | undefined {
  const names = c.emptyEnv.filter((n) => /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(n));
  if (names.length === 0) return undefined;
  for (let i = Math.max(0, index - 2); i <= Math.min(c.logLines.length - 1, index + 2); i++) {
    const l = c.logLines[i];
    if (!l) continue;
    const variable = names.find((n) => new RegExp(`(?<![A-Za-z0-9_])${n}(?![A-Za-z0-9_])`).test(l.text));
    if (variable) return { variable, line: l };
  }
  return undefined;
}

function adviceFor(ctx: Context, c: ContainerCtx, cause: string, line: string): string | undefined {
  if (cause === 'dependency-unreachable') return loopbackAdvice(ctx, c, line);
  if (cause === 'auth-failure') return rbacAdvice(ctx, c, line);
  return undefined;
}

export const logsRule: Rule = { id: 'log-patterns', evaluate: (ctx) => evaluate(ctx) };
