// "Roll back": kubectl rollout undo semantics, then follow the rollout in the thread.
import { followRollout } from '../rollback/follow-rollout.ts';
import { rolloutUndo } from '../rollback/rollout-undo.ts';
import { diffTemplates, formatDiff } from '../rollback/template-diff.ts';
import { dryRunNote, post, workloadOf, type ActionContext, type HandlerResult } from '../context.ts';
import { redactText } from '../../../diagnostics/redact.ts';
import { mrkdwn, type Mrkdwn } from '../../slack/mrkdwn.ts';

/**
 * The thread post after a rollback. The change-cause is an annotation anyone with patch rights wrote and
 * the diff quotes args: both redacted, and everything escaped by the mrkdwn tag.
 */
export function rollbackResultText(r: { target: string; message: string; revision: number; changeCause?: string | undefined; note: string; diff: string }): Mrkdwn {
  const cause = r.changeCause === undefined ? '' : ` (${redactText(r.changeCause)})`;
  return mrkdwn`${r.target} ${r.message} to revision ${r.revision}${cause}${r.note}\n${redactText(r.diff)}`;
}

export async function rollback(ctx: ActionContext): Promise<HandlerResult> {
  const { state, settings } = ctx;
  const workload = workloadOf(state);
  if (workload === undefined) return { status: 'failed', message: `asked for a rollback of ${state.namespace}/${state.pod}, which has no Deployment, StatefulSet or DaemonSet.` };
  const selected = ctx.request.selected === undefined ? Number.NaN : Number.parseInt(ctx.request.selected, 10);
  const toRevision = Number.isInteger(selected) ? selected : (state.toRevision ?? 0);
  const result = await rolloutUndo(ctx.writer, { namespace: state.namespace, kind: workload.kind, name: workload.name, toRevision, dryRun: settings.dryRun, ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) });
  const target = `${workload.kind.toLowerCase()}.apps/${workload.name}`;
  if (result.kind === 'error') return { status: 'failed', message: `could not roll back ${target} in ${state.namespace}: ${result.message}` };
  if (result.kind === 'skipped') return { status: 'done', message: `asked to roll back ${workload.name}: ${result.message}; nothing changed` };
  const diff = formatDiff(diffTemplates(result.current, result.target));
  await post(ctx, rollbackResultText({ target, message: result.message, revision: result.revision, changeCause: result.changeCause, note: dryRunNote(ctx), diff }));
  if (!settings.dryRun) {
    ctx.background(async () => {
      const end = await followRollout({
        writer: ctx.writer,
        slack: ctx.slack,
        channel: ctx.request.channel,
        threadTs: ctx.request.threadTs,
        namespace: state.namespace,
        kind: workload.kind,
        name: workload.name,
        title: `Rollback of ${workload.name} to revision ${result.revision}`,
        timeoutMs: settings.followTimeoutMs,
        pollMs: settings.followPollMs,
      });
      // The parent's line about this rollback says how it ended: "rollout 3/3 ready".
      await ctx.settle(end.state === 'complete' ? `rollout ${end.ready}/${end.desired} ready` : end.state === 'failed' ? end.message : `rollout not confirmed: ${end.message}`);
    });
  }
  return { status: 'done', message: `rolled back ${workload.name} to revision ${result.revision}${dryRunNote(ctx)}` };
}
