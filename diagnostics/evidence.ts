// Evidence builders: each quotes the exact status field, event line or log line a finding rests on.
import type { Evidence } from './types.ts';
import type { ContainerCtx, EventCtx, LogLine, Termination } from './context.ts';

export function terminationText(t: Termination): string {
  const parts: string[] = [];
  if (t.exitCode !== undefined) parts.push(`exitCode: ${t.exitCode}`);
  if (t.signal !== undefined) parts.push(`signal: ${t.signal}`);
  if (t.reason) parts.push(`reason: ${t.reason}`);
  if (t.startedAt) parts.push(`startedAt: ${t.startedAt}`);
  if (t.finishedAt) parts.push(`finishedAt: ${t.finishedAt}`);
  if (t.message) parts.push(`message: ${t.message.split('\n').slice(-3).join(' ').slice(0, 500)}`);
  return parts.join(', ');
}

export function terminationEvidence(t: Termination): Evidence {
  return { kind: 'status', source: t.source, text: terminationText(t) };
}

export function waitingEvidence(c: ContainerCtx, statusKey = c.type === 'main' ? 'containerStatuses' : c.type === 'ephemeral' ? 'ephemeralContainerStatuses' : 'initContainerStatuses'): Evidence | undefined {
  if (!c.waiting) return undefined;
  const text = c.waiting.message ? `reason: ${c.waiting.reason}, message: ${c.waiting.message}` : `reason: ${c.waiting.reason}`;
  return { kind: 'status', source: `status.${statusKey}[${c.name}].state.waiting`, text };
}

export function eventEvidence(e: EventCtx): Evidence {
  return { kind: e.kind === 'Node' ? 'node' : 'event', source: `event ${e.reason}${e.count > 1 ? ` ×${e.count}` : ''}`, text: e.message };
}

export function logEvidence(l: LogLine): Evidence {
  return { kind: 'log', source: `${l.source} line ${l.line}`, text: l.text };
}

/** The status evidence every finding about a crashed container starts with. */
export function statusEvidence(c: ContainerCtx): Evidence[] {
  const out: Evidence[] = [];
  const w = waitingEvidence(c);
  if (w) out.push(w);
  const t = c.terminated ?? c.last;
  if (t) out.push(terminationEvidence(t));
  return out;
}

export function compact<T>(xs: (T | undefined | null | false)[]): T[] {
  return xs.filter((x): x is T => x !== undefined && x !== null && x !== false);
}

/** The latest termination of a container: state.terminated when it has just ended, else lastState. */
export function lastTermination(c: ContainerCtx): Termination | undefined {
  return c.terminated ?? c.last;
}
