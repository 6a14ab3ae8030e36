// The terminal report: cause, container, evidence, timeline, what changed, fix, gaps. Pure.
import type { BackoffTimeline, Finding, Report, RolloutChange } from '../../diagnostics/types.ts';

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
export const COLOR: Style = { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), cyan: wrap(36, 39) };
const id = (s: string) => s;
export const PLAIN: Style = { bold: id, dim: id, red: id, yellow: id, green: id, cyan: id };

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : prefix + line))
    .join('\n');
}

function seconds(s: number): string {
  if (s < 120) return `${Math.round(s)}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}

function renderFinding(f: Finding, st: Style, primary: boolean): string[] {
  const lines: string[] = [];
  const badge = primary ? st.red(st.bold(f.cause)) : st.yellow(f.cause);
  const kind = f.containerType === 'main' ? '' : ` (${f.containerType})`;
  lines.push(`${badge}  ${st.dim(`container ${f.container}${kind} · confidence ${Math.round(f.confidence * 100)}%`)}`);
  lines.push(`  ${st.bold(f.title)}`);
  if (f.evidence.length > 0) {
    lines.push(`  ${st.cyan('Evidence')}`);
    for (const e of f.evidence) lines.push(`    • ${st.dim(`[${e.kind}] ${e.source}`)}`, indent(e.text, '      '));
  }
  lines.push(`  ${st.green('Fix')}: ${f.fix.summary}`);
  f.fix.steps.forEach((step, i) => lines.push(`    ${i + 1}. ${step}`));
  for (const c of f.fix.commands) lines.push(`    ${st.dim(`# ${c.description}`)}`, `    $ ${c.command}`);
  if (f.fix.snippet) lines.push(`    ${st.dim('snippet:')}`, indent(f.fix.snippet.replace(/\n$/, ''), '      '));
  return lines;
}

function renderTimeline(t: BackoffTimeline): string {
  const parts = [`${t.restartCount} restart${t.restartCount === 1 ? '' : 's'}`];
  if (t.lastRunSeconds !== undefined) parts.push(`last run ${seconds(t.lastRunSeconds)}`);
  if (t.lastExitCode !== undefined) parts.push(`exit ${t.lastExitCode}${t.lastReason ? ` (${t.lastReason})` : ''}`);
  else if (t.lastReason) parts.push(t.lastReason);
  if (t.lastFinishedAt) parts.push(`finished ${t.lastFinishedAt}`);
  if (t.backoffSeconds !== undefined) parts.push(`back-off ${seconds(t.backoffSeconds)}`);
  if (t.nextRestartAt) parts.push(`next try ${t.nextRestartAt}`);
  return `  ${t.container}: ${parts.join(', ')}`;
}

function renderChange(c: RolloutChange, st: Style): string[] {
  const lines = [`${st.cyan('What changed')}: ${c.owner.kind}/${c.owner.name} revision ${c.fromRevision} → ${c.toRevision}${c.changedAt ? ` at ${c.changedAt}` : ''}`];
  if (c.changeCause) lines.push(`  change cause: ${c.changeCause}`);
  for (const ch of c.changes) lines.push(`  ${ch.field}${ch.container ? ` [${ch.container}]` : ''}: ${st.red(ch.before)} → ${st.green(ch.after)}`);
  lines.push(c.crashesBeganAfter ? `  ${st.yellow('The crashes began after this rollout.')}` : `  ${st.dim('The crashes did not start with this rollout.')}`);
  return lines;
}

// Control characters and bidi overrides from a pod's logs would drive the terminal (colours, cursor
// moves, OSC 52 clipboard writes, text that reads differently than it runs): shown as '?' instead.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** A copy of the report whose strings cannot drive a terminal. */
export function terminalSafe<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return value.replace(TERMINAL_UNSAFE, '?') as T;
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => terminalSafe(v, depth + 1)) as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, terminalSafe(v, depth + 1)])) as T;
}

export function renderText(untrusted: Report, st: Style = PLAIN): string {
  const report = terminalSafe(untrusted);
  const out: string[] = [];
  const where = [report.pod.node ? `node ${report.pod.node}` : '', report.pod.phase ? `phase ${report.pod.phase}` : ''].filter(Boolean).join(', ');
  out.push(`${st.bold(`Pod ${report.pod.namespace}/${report.pod.name}`)}${where ? st.dim(`  (${where})`) : ''}`);
  if (report.capturedAt) out.push(st.dim(`captured ${report.capturedAt}`));
  out.push('');
  if (report.findings.length === 0) {
    out.push(st.green('No crash cause found: no failing container, or nothing in the status, events and logs to go on.'));
  } else {
    const [primary, ...others] = report.findings;
    if (primary) out.push(...renderFinding(primary, st, true));
    // Honest uncertainty: a runner-up that fits almost as well is named next to the primary cause.
    const alternatives = report.alternatives ?? [];
    if (primary && alternatives.length > 0) {
      out.push('', st.yellow(`Likely ${primary.cause}; ${alternatives.map((a) => a.cause).join(', ')} also fit${alternatives.length === 1 ? 's' : ''}:`));
      for (const a of alternatives) out.push(`  ${st.yellow(a.cause)} ${st.dim(`(confidence ${Math.round(a.confidence * 100)}%)`)}: ${a.title}`);
    }
    if (others.length > 0) {
      out.push('', st.bold(`Also found (${others.length})`));
      for (const f of others) out.push('', ...renderFinding(f, st, false));
    }
  }
  if (report.timeline.length > 0) {
    out.push('', st.cyan('Timeline'));
    for (const t of report.timeline) out.push(renderTimeline(t));
  }
  if (report.change) out.push('', ...renderChange(report.change, st));
  if (report.gaps.length > 0) {
    out.push('', st.yellow('Could not read (the diagnosis may be incomplete)'));
    for (const g of report.gaps) out.push(`  - ${g.what}: ${g.reason}`);
  }
  if (report.errors.length > 0) {
    out.push('', st.yellow('Rules that failed (please report)'));
    for (const e of report.errors) out.push(`  - ${e.rule}: ${e.message}`);
  }
  return `${out.join('\n')}\n`;
}
