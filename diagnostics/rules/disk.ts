// disk-full from the cluster's side: ephemeral-storage evictions and node DiskPressure.
// "No space left on device" in a log is matched by the log-pattern library.
import type { Finding, Rule } from '../types.ts';
import { type Context } from '../context.ts';
import { eventEvidence } from '../evidence.ts';
import { failing, makeFinding } from '../finding.ts';

const EVICT_DISK = /low on resource: ephemeral-storage|ephemeral local storage usage exceeds|exceeded its local ephemeral storage limit|emptyDir usage exceeds|nodefs|imagefs/i;

function evaluate(ctx: Context): Finding[] {
  const target = failing(ctx)[0] ?? ctx.containers[0];
  if (!target) return [];
  const evicted = (ctx.podReason === 'Evicted' && EVICT_DISK.test(ctx.podMessage ?? '')) ? ctx.podMessage : undefined;
  const events = ctx.events.filter((e) => (e.reason === 'Evicted' || e.reason === 'EvictionThresholdMet' || e.reason === 'FreeDiskSpaceFailed') && EVICT_DISK.test(e.message));
  const pressure = ctx.nodeConditions.find((c) => c.type === 'DiskPressure' && c.status === 'True');
  if (!evicted && events.length === 0 && !pressure) return [];
  const evidence = [
    ...(evicted ? [{ kind: 'status' as const, source: 'status.message', text: evicted }] : []),
    ...events.slice(-2).map(eventEvidence),
    ...(pressure ? [{ kind: 'node' as const, source: `node ${ctx.nodeName ?? ''} condition DiskPressure`.trim(), text: `${pressure.reason}: ${pressure.message}` }] : []),
  ];
  const confidence = evicted || events.length > 0 ? 0.9 : failing(ctx).length > 0 ? 0.35 : 0.3;
  return [makeFinding(ctx, target, 'disk-full', confidence,
    evicted || events.length > 0 ? `Pod ${ctx.podName} was evicted: ephemeral storage ran out` : `Node ${ctx.nodeName ?? ''} is under DiskPressure`, evidence)];
}

export const diskRule: Rule = { id: 'disk-full', evaluate: (ctx) => evaluate(ctx) };
