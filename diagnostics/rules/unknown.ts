// unknown: a failing container with no telling evidence. It says so honestly, with what little
// the status holds, and recommends the sleep-override or a debug copy. The engine drops it when
// another rule explains the same container.
import type { Finding, Rule } from '../types.ts';
import { arr, contextOf, obj, str, type Context, type ContainerCtx } from '../context.ts';
import { lastTermination, statusEvidence } from '../evidence.ts';
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
    const noLogs = c.logLines.length === 0;
    const gap = gaps.find((g) => str(g.what).includes(`logs/${c.name}`));
    const logNote = gap ? `; its logs could not be read (${str(gapReason(gap))})` : noLogs ? '; it wrote no logs' : '';
    return makeFinding(ctx, c, 'unknown', 0.05,
      `No evidence explains why "${c.name}" crashes${describeExit(c)}${logNote}`,
      [...statusEvidence(c), ...(gap ? [{ kind: 'status' as const, source: `gap ${str(gap.what)}`, text: str(gap.reason) }] : [])]);
  });
}

function gapReason(g: Record<string, unknown>): string {
  return str(g.reason) || 'unknown reason';
}

export const unknownRule: Rule = { id: 'unknown', evaluate: (s) => evaluate(contextOf(s), s) };
