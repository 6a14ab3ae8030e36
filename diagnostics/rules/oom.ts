// oom-killed: only the kubelet's reason OOMKilled (or the node OOM killer's own events) means OOM.
// A bare exit 137 is any SIGKILL: a liveness kill, a preStop timeout, a manual kill.
import type { Finding, Fix, Rule } from '../types.ts';
import { contextOf, type Context, type ContainerCtx, type EventCtx } from '../context.ts';
import { compact, eventEvidence, lastTermination, statusEvidence } from '../evidence.ts';
import { failing, makeFinding } from '../finding.ts';
import { describePod, logsPrevious } from '../fix-commands.ts';

const NODE_OOM = /^(?:OOMKilling|SystemOOM)$/;

function suggestLimit(limit: string | undefined): string | undefined {
  if (!limit) return undefined;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T|k)?$/.exec(limit.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  if (unit === '') return `${Math.ceil((n * 1.5) / 1048576)}Mi`;
  const doubled = n * 1.5;
  if ((unit === 'Mi' || unit === 'M') && doubled >= 1024) return `${Math.ceil((doubled / 1024) * 10) / 10}Gi`;
  return `${Math.ceil(doubled * 10) / 10}${unit}`;
}

export function oomFix(ctx: Context, c: ContainerCtx): Fix {
  const suggested = suggestLimit(c.memoryLimit);
  return {
    kind: 'raise-memory-limit', currentLimit: c.memoryLimit, suggestedLimit: suggested,
    summary: `Raise the memory limit of ${c.name}${c.memoryLimit ? ` from ${c.memoryLimit}` : ''}${suggested ? ` to about ${suggested}` : ''}, or reduce the app's memory use (heap size, caches, concurrency).`,
    steps: [
      'Compare actual usage with the limit (kubectl top pod, or the metrics history).',
      'Raise requests and limits together; for the JVM or Node.js keep the heap below the limit (-XX:MaxRAMPercentage=75, --max-old-space-size).',
      'If usage grows without bound, look for a leak before raising again.',
    ],
    commands: [
      { description: 'Current memory use', command: `kubectl top pod ${ctx.podName} -n ${ctx.namespace} --containers` },
      logsPrevious(ctx, c),
      describePod(ctx),
      { description: 'Raise the limit', command: `kubectl set resources ${ctx.workload ?? 'deployment/<name>'} -c ${c.name} -n ${ctx.namespace} --limits=memory=${suggested ?? '<new-limit>'}` },
    ],
    snippet: `resources:\n  requests:\n    memory: ${suggested ?? '512Mi'}\n  limits:\n    memory: ${suggested ?? '512Mi'}`,
  };
}

function nodeOomEvents(ctx: Context, c: ContainerCtx): EventCtx[] {
  return ctx.events.filter((e) => NODE_OOM.test(e.reason) && (e.container === undefined || e.container === c.name));
}

function evaluate(ctx: Context): Finding[] {
  const out: Finding[] = [];
  // Evicted for node memory pressure: the kubelet's side of the node running out of memory.
  if (ctx.podReason === 'Evicted' && /low on resource: memory|exceeds its request of|memory pressure/i.test(ctx.podMessage ?? '')) {
    const c = ctx.containers.find((x) => (ctx.podMessage ?? '').includes(`Container ${x.name} `)) ?? ctx.containers[0];
    if (c) out.push(makeFinding(ctx, c, 'oom-killed', 0.88, `Pod ${ctx.podName} was evicted: the node ran out of memory`, [{ kind: 'status', source: 'status.message', text: ctx.podMessage ?? '' }], oomFix(ctx, c)));
  }
  for (const c of failing(ctx)) {
    const t = lastTermination(c);
    const nodeEvents = nodeOomEvents(ctx, c);
    const reasonOom = t?.reason === 'OOMKilled';
    const nodeOom = !reasonOom && nodeEvents.length > 0 && (t?.exitCode === 137 || t?.signal === 9);
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
      oomFix(ctx, c),
    ));
  }
  return out;
}

export const oomRule: Rule = { id: 'oom-killed', evaluate: (s) => evaluate(contextOf(s)) };
