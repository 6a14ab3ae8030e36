// The crash-loop clock: restarts, last run, current back-off and the next restart.
// Kubelet back-off: 10 s after the first crash, doubling per restart, capped at 300 s, and reset
// once a container has run for 10 minutes.
import type { BackoffTimeline } from './types.ts';
import type { Context } from './context.ts';
import { lastTermination } from './evidence.ts';

const INITIAL = 10;
const CAP = 300;
const RESET_AFTER = 600;

export function parseGoDuration(s: string): number | undefined {
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$/.exec(s.trim());
  if (!m || s.trim() === '') return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

export function backoffFor(restartCount: number, lastRunSeconds?: number): number {
  if (lastRunSeconds !== undefined && lastRunSeconds >= RESET_AFTER) return INITIAL;
  return Math.min(CAP, INITIAL * 2 ** Math.min(Math.max(0, restartCount), 10));
}

function ms(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const v = Date.parse(s);
  return Number.isFinite(v) ? v : undefined;
}

export function buildTimeline(ctx: Context): BackoffTimeline[] {
  const out: BackoffTimeline[] = [];
  for (const c of ctx.containers) {
    if (!c.failing && c.restartCount === 0) continue;
    const t = lastTermination(c);
    const start = ms(t?.startedAt);
    const end = ms(t?.finishedAt);
    const lastRunSeconds = start !== undefined && end !== undefined && end >= start ? Math.round((end - start) / 1000) : undefined;
    const entry: BackoffTimeline = { container: c.name, restartCount: c.restartCount };
    if (lastRunSeconds !== undefined) entry.lastRunSeconds = lastRunSeconds;
    if (t?.exitCode !== undefined) entry.lastExitCode = t.exitCode;
    if (t?.reason) entry.lastReason = t.reason;
    if (t?.finishedAt) entry.lastFinishedAt = t.finishedAt;
    if (c.waiting?.reason === 'CrashLoopBackOff') {
      const stated = /back-off (\S+) restarting failed container/.exec(c.waiting.message)?.[1];
      const parsed = stated ? parseGoDuration(stated) : undefined;
      entry.backoffSeconds = parsed ?? backoffFor(c.restartCount, lastRunSeconds);
      const now = ms(ctx.capturedAt);
      if (now !== undefined) {
        const next = Math.max(now, (end ?? now) + entry.backoffSeconds * 1000);
        entry.nextRestartAt = new Date(next).toISOString();
      }
    }
    out.push(entry);
  }
  return out;
}
