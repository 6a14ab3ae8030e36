// Quiet controls on an incident's parent: Acknowledge ("@bob is on it") and Mute (1 h, or until the
// incident resolves) / Unmute. They touch no cluster: they record who did what on the incident, and the
// executor edits the parent to show it. A mute stops new posts for the incident (thread replies and
// files: the writers ask the incident store first); the parent itself keeps being edited.
import type { BaseActionContext, HandlerResult } from '../context.ts';
import { formatDuration, plainTime } from '../../slack/render/time.ts';

export const MUTE_HOUR_MS = 60 * 60 * 1000;

function target(ctx: BaseActionContext): string {
  const i = ctx.state.incident;
  return i === undefined ? `pod ${ctx.state.pod} in ${ctx.state.namespace}` : `${i.workload} in ${i.namespace}`;
}

export async function acknowledge(ctx: BaseActionContext): Promise<HandlerResult> {
  const { incidents, state } = ctx;
  if (incidents === undefined || state.incident === undefined) return { status: 'failed', message: 'this report belongs to no incident, so there is nothing to acknowledge.' };
  if (!(await incidents.acknowledge(state.incident, ctx.request.user.id, ctx.now()))) return { status: 'failed', message: `the incident of ${target(ctx)} is no longer tracked; nothing was recorded.` };
  return { status: 'done', message: `is on it: acknowledged ${target(ctx)}` };
}

export function mute(until: 'hour' | 'resolved') {
  return async (ctx: BaseActionContext): Promise<HandlerResult> => {
    const { incidents, state } = ctx;
    if (incidents === undefined || state.incident === undefined) return { status: 'failed', message: 'this report belongs to no incident, so there is nothing to mute.' };
    const end = until === 'resolved' ? 'resolved' : new Date(ctx.now().getTime() + MUTE_HOUR_MS);
    if (!(await incidents.mute(state.incident, ctx.request.user.id, end))) return { status: 'failed', message: `the incident of ${target(ctx)} is no longer tracked; nothing was muted.` };
    const span = end === 'resolved' ? 'until it resolves' : `for ${formatDuration(MUTE_HOUR_MS)} (until ${plainTime(end)})`;
    return { status: 'done', message: `muted ${target(ctx)} ${span}: no new posts for this incident; its message still updates` };
  };
}

export async function unmute(ctx: BaseActionContext): Promise<HandlerResult> {
  const { incidents, state } = ctx;
  if (incidents === undefined || state.incident === undefined) return { status: 'failed', message: 'this report belongs to no incident, so there is nothing to unmute.' };
  await incidents.unmute(state.incident);
  return { status: 'done', message: `unmuted ${target(ctx)}: new posts resume` };
}
