// exited-zero: the container finishes successfully and restartPolicy Always restarts it forever.
// A Job's Completed container (restartPolicy OnFailure/Never) is not a crash loop.
import type { Finding, Rule } from '../types.ts';
import { type Context } from '../context.ts';
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
    const probeFailures = c.events.some((e) => e.reason === 'Unhealthy' && /^(?:Liveness|Startup) probe/i.test(e.message));
    out.push(makeFinding(ctx, c, 'exited-zero', endsOnError || probeFailures ? 0.6 : 0.9,
      `"${c.name}" exits successfully (exit 0${t.reason ? `, ${t.reason}` : ''}) but restartPolicy Always restarts it forever`,
      [...statusEvidence(c), { kind: 'spec', source: 'spec.restartPolicy', text: ctx.restartPolicy }]));
  }
  return out;
}

export const exitedZeroRule: Rule = { id: 'exited-zero', evaluate: (ctx) => evaluate(ctx) };
