// snapshot -> report. Normalizes defensively, runs every rule (a throwing rule becomes a report
// error), ranks findings and redacts every string of the result. Never throws.
import type { Alternative, Finding, Gap, Report, Rule } from './types.ts';
import { fixKindOf } from './fix-kind.ts';
import { CAUSE_IDS } from './types.ts';
import { arr, contextOf, obj, str, type Context } from './context.ts';
import { RULES } from './registry.ts';
import { buildTimeline } from './timeline.ts';
import { command } from './fix-commands.ts';
import { kubeName, kubeRef } from './shell.ts';
import { buildChange } from './change.ts';
import { redactDeep } from './redact.ts';
import { applyPacks, unusable, type RuledFinding, type RulePack } from './packs.ts';

const CAUSES = new Set<string>(CAUSE_IDS);

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  try { return String(e); } catch { return 'unknown error'; }
}

function tierOf(ctx: Context, container: string): number {
  const c = ctx.containers.find((x) => x.name === container);
  return c ? Math.floor(c.failRank / 1000) : 0;
}

/** Primary first: the clearly failing container before the others, then confidence. */
export function rankFindings(ctx: Context, findings: Finding[]): Finding[] {
  const valid = findings.filter((f) => CAUSES.has(f.cause) && typeof f.container === 'string');
  const explained = new Set(valid.filter((f) => f.cause !== 'unknown').map((f) => f.container));
  const best = new Map<string, Finding>();
  for (const f of valid) {
    if (f.cause === 'unknown' && explained.has(f.container)) continue;
    const key = `${f.container}\u0000${f.cause}`;
    const prev = best.get(key);
    if (!prev || f.confidence > prev.confidence) best.set(key, f);
  }
  return [...best.values()].sort((a, b) =>
    tierOf(ctx, b.container) - tierOf(ctx, a.container)
    || b.confidence - a.confidence
    || (ctx.containers.find((x) => x.name === b.container)?.failRank ?? 0) - (ctx.containers.find((x) => x.name === a.container)?.failRank ?? 0));
}

function gapsOf(snapshot: unknown): Gap[] {
  return arr(obj(snapshot).gaps).map((g) => ({ what: str(obj(g).what), reason: str(obj(g).reason) })).filter((g) => g.what !== '' || g.reason !== '');
}

function changeFinding(ctx: Context, report: Report, primary: Finding): Finding | undefined {
  const ch = report.change;
  if (!ch || !ch.crashesBeganAfter || ch.changes.length === 0) return undefined;
  const image = ch.changes.find((c) => c.field === 'image');
  const what = image ? `image ${image.before} → ${image.after}` : ch.changes.slice(0, 3).map((c) => `${c.field}${c.container ? ` of ${c.container}` : ''}`).join(', ');
  const workload = `${ch.owner.kind.toLowerCase()}/${ch.owner.name}`;
  return {
    cause: primary.cause,
    container: primary.container,
    containerType: primary.containerType,
    confidence: Math.max(0, Math.round((Math.min(primary.confidence, 0.9) - 0.05) * 100) / 100),
    title: `Crashes began after the rollout to revision ${ch.toRevision} of ${workload}: ${what}`,
    evidence: ch.changes.slice(0, 8).map((c) => ({ kind: 'history' as const, source: `revision ${ch.fromRevision} → ${ch.toRevision}${c.container ? ` container ${c.container}` : ''} ${c.field}`, text: `${c.before || '(none)'} → ${c.after || '(none)'}` })),
    fix: {
      kind: 'rollback', toRevision: ch.fromRevision,
      summary: `Roll ${workload} back to revision ${ch.fromRevision} while the change is fixed.`,
      steps: ['Compare the two revisions.', 'Undo the rollout; fix the change and roll forward again.'],
      commands: [
        command('Show the previous revision', ['kubectl', 'rollout', 'history', kubeRef(workload, 'deployment/<name>'), '-n', kubeName(ctx.namespace, '<namespace>'), `--revision=${ch.fromRevision}`]),
        command('Roll back', ['kubectl', 'rollout', 'undo', kubeRef(workload, 'deployment/<name>'), '-n', kubeName(ctx.namespace, '<namespace>'), `--to-revision=${ch.fromRevision}`]),
      ],
    },
  };
}

/** How close a runner-up's confidence must be to the primary's for the report to say "Y also fits". */
const CLOSE = 0.1;

/** Other causes of the primary container that fit almost as well: honest uncertainty, best first. */
export function alternativesOf(findings: Finding[]): Alternative[] {
  const primary = findings[0];
  if (!primary || primary.cause === 'unknown') return [];
  const seen = new Set<string>([primary.cause]);
  const out: Alternative[] = [];
  for (const f of findings.slice(1)) {
    if (f.container !== primary.container || seen.has(f.cause) || f.cause === 'unknown' || primary.confidence - f.confidence > CLOSE) continue;
    seen.add(f.cause);
    out.push({ cause: f.cause, container: f.container, confidence: f.confidence, title: f.title });
  }
  return out.slice(0, 2);
}

export interface DiagnoseOptions {
  /** Operator rule packs (diagnostics/packs.ts), run after the built-in rules with their precedence. */
  packs?: readonly RulePack[];
}

function run(snapshot: unknown, rules: readonly Rule[], options: DiagnoseOptions): Report {
  const ctx = contextOf(snapshot);
  const errors: Report['errors'] = [];
  const ruled: RuledFinding[] = [];
  for (const rule of rules) {
    try {
      const found = rule.evaluate(ctx, snapshot);
      if (Array.isArray(found)) ruled.push(...found.map((finding) => ({ rule: rule.id, finding })));
    } catch (e) {
      errors.push({ rule: rule.id, message: errorMessage(e) });
    }
  }
  const raw: Finding[] = ruled.map((f) => f.finding);
  if (options.packs && options.packs.length > 0) {
    try { raw.push(...applyPacks(ctx, ruled, options.packs)); } catch (e) { errors.push({ rule: 'rule-packs', message: errorMessage(e) }); }
    for (const pack of options.packs) {
      for (const r of pack.rules) {
        const why = unusable(r);
        if (why) errors.push({ rule: `rule pack ${pack.name}, rule ${r.id}`, message: why });
      }
    }
  }
  const report: Report = {
    schemaVersion: 1,
    pod: { namespace: ctx.namespace, name: ctx.podName },
    findings: rankFindings(ctx, raw),
    timeline: [],
    gaps: gapsOf(snapshot),
    errors,
  };
  for (const f of report.findings) f.fix = { ...f.fix, fixKind: fixKindOf(f) };
  report.alternatives = alternativesOf(report.findings);
  if (ctx.phase) report.pod.phase = ctx.phase;
  if (ctx.nodeName) report.pod.node = ctx.nodeName;
  if (ctx.capturedAt) report.capturedAt = ctx.capturedAt;
  try { report.timeline = buildTimeline(ctx); } catch (e) { errors.push({ rule: 'timeline', message: errorMessage(e) }); }
  try {
    const change = buildChange(snapshot, ctx);
    if (change) report.change = change;
    const primary = report.findings[0];
    const extra = primary ? changeFinding(ctx, report, primary) : undefined;
    if (extra) report.findings.push(extra);
  } catch (e) { errors.push({ rule: 'change', message: errorMessage(e) }); }
  return report;
}

/** Diagnoses a snapshot. Whatever the input, returns a valid Report; never throws. */
export function diagnose(snapshot: unknown, rules: readonly Rule[] = RULES, options: DiagnoseOptions = {}): Report {
  try {
    return redactDeep(run(snapshot, rules, options));
  } catch (e) {
    return {
      schemaVersion: 1,
      pod: { namespace: 'default', name: 'unknown-pod' },
      findings: [],
      alternatives: [],
      timeline: [],
      gaps: [],
      errors: [{ rule: 'engine', message: `The snapshot could not be read: ${errorMessage(e)}` }],
    };
  }
}
