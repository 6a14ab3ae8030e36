// "Sleep override" in place on the workload, and its "Revert".
import { ClusterError } from '../../cluster/types.ts';
import type { Json } from '../json.ts';
import type { RollbackKind } from '../rollback/plan-rollback.ts';
import { ACTION_IDS } from '../types.ts';
import { planRevert, planSleepOverride } from '../debug/sleep-override.ts';
import { dryRunNote, messageWithButton, post, workloadOf, type ActionContext, type HandlerResult } from '../context.ts';
import { execCommand } from '../commands.ts';
import { revertConfirm } from '../confirm-text.ts';
import { code, joinMrkdwn, mrkdwn } from '../../slack/mrkdwn.ts';

export async function sleepOverride(ctx: ActionContext): Promise<HandlerResult> {
  const { state, settings } = ctx;
  const workload = workloadOf(state);
  if (workload === undefined) return { status: 'failed', message: `asked for a sleep override of ${state.namespace}/${state.pod}, which has no Deployment, StatefulSet or DaemonSet; use the debug copy instead.` };
  const container = ctx.request.selected ?? state.container;
  if (container === undefined) return { status: 'failed', message: `asked for a sleep override but no container is known.` };
  const current = await ctx.writer.getWorkload(state.namespace, workload.kind, workload.name, ctx.signal);
  const plan = planSleepOverride(current, container, settings.debugCommand, ctx.request.user.name ?? ctx.request.user.id);
  if (plan.kind === 'error') return { status: 'failed', message: `could not override ${workload.kind}/${workload.name}: ${plan.message}` };
  await patchGuarded(ctx, workload, plan.body);
  const target = `${workload.kind.toLowerCase()}/${workload.name}`;
  const text = mrkdwn`:warning: ${code(target)} in ${code(state.namespace)} now runs ${code(container)} as ${code(settings.debugCommand.join(' '))} with probes removed; new pods are rolling out. Exec in with ${code(execCommand(state.namespace, target, container))}. The original template is saved; *Revert* restores it exactly (and stops to ask if the workload is changed meanwhile).${dryRunNote(ctx)}`;
  const blocks = await messageWithButton(ctx, text, ACTION_IDS.sleepRevert, 'Revert', { container }, {
    style: 'primary',
    confirm: revertConfirm({ cluster: state.cluster, namespace: state.namespace, kind: workload.kind, name: workload.name }),
  });
  await post(ctx, mrkdwn`Sleep override on ${target}`, blocks);
  return { status: 'done', message: `put ${target} (${container}) in ${state.namespace} to sleep for debugging${dryRunNote(ctx)}` };
}

export async function sleepRevert(ctx: ActionContext): Promise<HandlerResult> {
  const { state } = ctx;
  const workload = workloadOf(state);
  if (workload === undefined) return { status: 'failed', message: `clicked Revert but the button names no workload.` };
  const current = await ctx.writer.getWorkload(state.namespace, workload.kind, workload.name, ctx.signal);
  const force = state.revertAnyway === true;
  const plan = planRevert(current, { force });
  const target = `${workload.kind.toLowerCase()}/${workload.name}`;
  if (plan.kind === 'error') return { status: 'failed', message: `could not revert ${target}: ${plan.message}` };
  if (plan.kind === 'changed') {
    // Someone edited the workload while it slept: reverting would silently undo that. Say what changed
    // and let the user choose.
    const list = joinMrkdwn(plan.changes.map((c) => mrkdwn`• ${c}`), '\n');
    const text = mrkdwn`:warning: ${code(target)} in ${code(state.namespace)} was changed after the sleep override, so I did not revert it:\n${list}\n*Revert anyway* restores the template saved before the override and DISCARDS these changes. To keep them, re-apply them after reverting, or restore the workload by hand (the saved template is in the ${code('crashloop.dev/sleep-override-original')} annotation).`;
    const blocks = await messageWithButton(ctx, text, ACTION_IDS.sleepRevert, 'Revert anyway', { revertAnyway: true }, {
      style: 'danger',
      confirm: revertConfirm({ cluster: state.cluster, namespace: state.namespace, kind: workload.kind, name: workload.name }, plan.changes.length),
    });
    await post(ctx, mrkdwn`Revert of ${target} refused: it changed after the override`, blocks);
    return { status: 'failed', message: `did not revert ${target} in ${state.namespace}: it changed after the sleep override (${plan.changes.join('; ')}). Choose *Revert anyway* below to discard those changes.` };
  }
  await patchGuarded(ctx, workload, plan.body);
  return { status: 'done', message: `reverted the sleep override on ${target} in ${state.namespace}${dryRunNote(ctx)}` };
}

/** A failed `test` op (the spec moved under us) comes back as 422; say so in words. */
async function patchGuarded(ctx: ActionContext, workload: { kind: RollbackKind; name: string }, body: Json): Promise<void> {
  try {
    await ctx.writer.patchWorkload(ctx.state.namespace, workload.kind, workload.name, 'json', body, { dryRun: ctx.settings.dryRun });
  } catch (err) {
    if (err instanceof ClusterError && err.code === 'BAD_REQUEST' && err.status === 422) {
      throw new ClusterError('CONFLICT', `${workload.kind}/${workload.name} was changed by someone else while we patched it; nothing was changed. Click again. (${err.message})`, { status: 409, cause: err });
    }
    throw err;
  }
}
