// oom-killed: only the kubelet's reason OOMKilled (or the node OOM killer's own events) means OOM.
// A bare exit 137 is any SIGKILL: a liveness kill, a preStop timeout, a manual kill.
import type { Finding, Rule } from '../types.ts';
import { type Context, type ContainerCtx, type EventCtx } from '../context.ts';
import { compact, eventEvidence, lastTermination, statusEvidence } from '../evidence.ts';
import { failing, makeFinding } from '../finding.ts';
import { fixFor } from '../fixes.ts';

const NODE_OOM = /^(?:OOMKilling|SystemOOM)$/;

function nodeOomEvents(ctx: Context, c: ContainerCtx): EventCtx[] {
  return ctx.events.filter((e) => NODE_OOM.test(e.reason) && (e.container === undefined || e.container === c.name));
}

function evaluate(ctx: Context): Finding[] {
  const out: Finding[] = [];
  // Evicted for node memory pressure: the kubelet's side of the node running out of memory.
  if (ctx.podReason === 'Evicted' && /low on resource: memory|exceeds its request of|memory pressure/i.test(ctx.podMessage ?? '')) {
    const c = ctx.containers.find((x) => (ctx.podMessage ?? '').includes(`Container ${x.name} `)) ?? ctx.containers[0];
    if (c) out.push(makeFinding(ctx, c, 'oom-killed', 0.88, `Pod ${ctx.podName} was evicted: the node ran out of memory`, [{ kind: 'status', source: 'status.message', text: ctx.podMessage ?? '' }], fixFor('oom-killed', ctx, c)));
  }
  for (const c of failing(ctx)) {
    const t = lastTermination(c);
    const nodeEvents = nodeOomEvents(ctx, c);
    const reasonOom = t?.reason === 'OOMKilled';
    // Without a termination record (trimmed snapshots), the node OOM killer's own event is the evidence.
    const nodeOom = !reasonOom && nodeEvents.length > 0 && (t === undefined || t.exitCode === 137 || t.signal === 9);
    if (!reasonOom && !nodeOom) continue;
    const limitText = c.memoryLimit ? ` (limit ${c.memoryLimit})` : '';
    out.push(makeFinding(
      ctx, c, 'oom-killed', reasonOom ? 0.97 : 0.85,
      reasonOom
        ? `Container "${c.name}" was OOMKilled: it exceeded its memory limit${limitText}`
        : `Container "${c.name}" was killed by the node's OOM killer (exit 137)`,
      [
        ...statusEvidence(c),
        ...compact([c.memoryLimit ? { kind: 'spec' as const, source: `spec.containers[${c.name}].resources.limits.memory`, text: c.memoryLimit } : undefined]),
        ...nodeEvents.slice(0, 3).map(eventEvidence),
      ],
      fixFor('oom-killed', ctx, c),
    ));
  }
  return out;
}

export const oomRule: Rule = { id: 'oom-killed', evaluate: (ctx) => evaluate(ctx) };
