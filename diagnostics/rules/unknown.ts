// unknown: a failing container with no telling evidence. It says so honestly, with what little
// the status holds, and recommends the sleep-override or a debug copy. The engine drops it when
// another rule explains the same container.
import type { Finding, Rule } from '../types.ts';
import { contextOf, type Context, type ContainerCtx } from '../context.ts';
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

function evaluate(ctx: Context): Finding[] {
  return failing(ctx).map((c) => {
    const noLogs = c.logLines.length === 0;
    return makeFinding(ctx, c, 'unknown', 0.05,
      `No evidence explains why "${c.name}" crashes${describeExit(c)}${noLogs ? '; it wrote no logs' : ''}`,
      statusEvidence(c));
  });
}

export const unknownRule: Rule = { id: 'unknown', evaluate: (s) => evaluate(contextOf(s)) };
