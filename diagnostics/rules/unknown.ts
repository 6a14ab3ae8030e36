// unknown: a failing container with no telling evidence. It says so honestly, with what little
// the status holds, and recommends the sleep-override or a debug copy. The engine drops it when
// another rule explains the same container.
import type { Finding, Rule } from '../types.ts';
import { arr, obj, str, type Context, type ContainerCtx } from '../context.ts';
import { eventEvidence, lastTermination, statusEvidence } from '../evidence.ts';
import { failing, makeFinding } from '../finding.ts';

function describeExit(c: ContainerCtx): string {
  const t = lastTermination(c);
  if (!t) return c.waiting?.reason ? ` (${c.waiting.reason})` : '';
  const code = t.exitCode;
  if (code === 137) return ' (exit 137: killed by SIGKILL, but not OOMKilled and no probe kill was recorded)';
  if (code === 143) return ' (exit 143: stopped by SIGTERM)';
  if (code !== undefined) return ` (exit ${code}${t.reason ? `, ${t.reason}` : ''})`;
  return t.reason ? ` (${t.reason})` : '';
}

function evaluate(ctx: Context, snapshot: unknown): Finding[] {
  const gaps = arr(obj(snapshot).gaps).map(obj);
  return failing(ctx).map((c) => {
    const gap = gaps.find((g) => str(g.what).includes(`logs/${c.name}`));
    // "Wrote no logs" is a fact only when the logs were read and came back empty; unread logs say nothing.
    const logNote = gap ? `; its logs could not be read (${str(gapReason(gap))})` : c.logsRead === 'empty' ? '; it wrote no logs' : c.logsRead === 'unread' ? '; its logs were not read' : '';
    // A pod-level Warning event may be the only account of the failure: it is evidence even when no rule reads it.
    const warnings = [...c.events, ...ctx.podEvents].filter((e) => e.type === 'Warning' && e.reason !== 'BackOff').slice(-2);
    // A pod the scheduler cannot place never starts a container: say so, with the scheduler's reason.
    const unscheduled = !lastTermination(c) && c.restartCount === 0 ? ctx.podEvents.filter((e) => e.reason === 'FailedScheduling').at(-1) : undefined;
    if (unscheduled) {
      return makeFinding(ctx, c, 'unknown', 0.05,
        `"${c.name}" never starts: the pod cannot be scheduled (${unscheduled.message.slice(0, 160)})`,
        [...statusEvidence(c), eventEvidence(unscheduled)], undefined,
        { advice: 'The scheduler cannot place the pod on any node: compare its nodeSelector, affinity, tolerations and resource requests with the nodes (kubectl describe nodes; kubectl get pod -o yaml), and fix the spec or add capacity; a claim it waits for must exist and bind.' });
    }
    return makeFinding(ctx, c, 'unknown', 0.05,
      `No evidence explains why "${c.name}" ${c.restartCount > 0 || lastTermination(c) ? 'crashes' : 'fails to start'}${describeExit(c)}${logNote}`,
      [...statusEvidence(c), ...warnings.map(eventEvidence), ...(gap ? [{ kind: 'status' as const, source: `gap ${str(gap.what)}`, text: str(gap.reason) }] : [])]);
  });
}

function gapReason(g: Record<string, unknown>): string {
  return str(g.reason) || 'unknown reason';
}

export const unknownRule: Rule = { id: 'unknown', evaluate: (ctx, s) => evaluate(ctx, s) };
