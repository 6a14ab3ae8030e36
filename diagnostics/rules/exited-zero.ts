// exited-zero: the container finishes successfully and restartPolicy Always restarts it forever.
// A Job's Completed container (restartPolicy OnFailure/Never) is not a crash loop.
import type { Finding, Rule } from '../types.ts';
import { num, type Context, type ContainerCtx } from '../context.ts';
import { lastTermination, statusEvidence } from '../evidence.ts';
import { failing, makeFinding } from '../finding.ts';
import { selectLogMatch } from '../patterns/match.ts';

function evaluate(ctx: Context): Finding[] {
  const out: Finding[] = [];
  for (const c of failing(ctx)) {
    const t = lastTermination(c);
    if (!t || t.exitCode !== 0) continue;
    const restartsForever = c.type === 'sidecar' || (c.type === 'main' && ctx.restartPolicy === 'Always');
    if (!restartsForever) continue;
    if (c.events.some((e) => /failed (?:liveness|startup) probe/i.test(e.message))) continue;
    if (c.restartCount === 0 && c.waiting?.reason !== 'CrashLoopBackOff') continue;
    // A wrapper script that swallows the exit code: exit 0, but the log ends on a definitive error.
    const m = selectLogMatch(c.logLines);
    const endsOnError = m !== undefined && m.weight >= 3 && m.cause !== 'app-error' && c.logLines.length - m.index <= 5;
    // Apps that handle SIGTERM exit 0 when the kubelet stops them for a failing probe.
    const probeFailures = c.events.some((e) => e.reason === 'Unhealthy' && /^(?:Liveness|Startup) probe/i.test(e.message)) || probeBudgetRun(c);
    out.push(makeFinding(ctx, c, 'exited-zero', endsOnError || probeFailures ? 0.6 : 0.9,
      `"${c.name}" exits successfully (exit 0${t.reason ? `, ${t.reason}` : ''}) but restartPolicy Always restarts it forever`,
      [...statusEvidence(c), { kind: 'spec', source: 'spec.restartPolicy', text: ctx.restartPolicy }]));
  }
  return out;
}

/** The run lasted what a liveness/startup probe allows before it kills (± a period): a graceful exit on the kubelet's SIGTERM. */
function probeBudgetRun(c: ContainerCtx): boolean {
  const t = lastTermination(c);
  const run = t?.startedAt && t.finishedAt ? (Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000 : NaN;
  if (!Number.isFinite(run)) return false;
  return [c.probes.liveness, c.probes.startup].some((p) => {
    if (!p) return false;
    const period = num(p.periodSeconds) ?? 10;
    const budget = (num(p.initialDelaySeconds) ?? 0) + (num(p.failureThreshold) ?? 3) * period;
    return run >= budget - period && run <= budget + period;
  });
}

export const exitedZeroRule: Rule = { id: 'exited-zero', evaluate: (ctx) => evaluate(ctx) };
