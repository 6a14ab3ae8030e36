// "Debug copy": a sleeping copy of the pod to exec into, deleted when it expires or on "Delete now".
import { ClusterError } from '../../cluster/types.ts';
import { arrayAt, isObject, objectAt, stringMap } from '../json.ts';
import { ACTION_IDS } from '../types.ts';
import { buildDebugCopy, DEBUG_ANNOTATIONS, execCommand } from '../debug/build-debug-copy.ts';
import { dryRunNote, followUpState, incidentOf, messageWithButton, post, type ActionContext, type HandlerResult } from '../context.ts';
import { button } from '../../slack/render/buttons.ts';
import { deleteCopyConfirm } from '../confirm-text.ts';
import { code, codeBlock, mrkdwn } from '../../slack/mrkdwn.ts';

export async function debugCopy(ctx: ActionContext): Promise<HandlerResult> {
  const { state, settings } = ctx;
  const pod = await ctx.writer.getPod(state.namespace, state.pod, ctx.signal);
  const first = arrayAt(pod, 'spec', 'containers')[0];
  const fallback = isObject(first) && typeof first.name === 'string' ? first.name : '';
  const container = ctx.request.selected ?? state.container ?? fallback;
  const copy = buildDebugCopy(pod, {
    container,
    command: settings.debugCommand,
    ttlSeconds: settings.debugTtlSeconds,
    createdBy: ctx.request.user.name ?? ctx.request.user.id,
    ...(incidentOf(state) === undefined ? {} : { incident: incidentOf(state) }),
    now: ctx.now(),
  });
  const created = await ctx.writer.createPod(state.namespace, copy, { dryRun: settings.dryRun, ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) });
  const name = String(objectAt(created, 'metadata')?.name ?? objectAt(copy, 'metadata')?.name);
  const expiresAt = stringMap(objectAt(copy, 'metadata', 'annotations'))[DEBUG_ANNOTATIONS.expiresAt] ?? '';
  const command = execCommand(state.namespace, name, container);
  if (!settings.dryRun) {
    await ctx.scheduleDebugCleanup({ cluster: state.cluster, namespace: state.namespace, pod: name }, settings.debugTtlSeconds * 1000);
  }
  const text = mrkdwn`Debug copy ${code(name)} of ${code(state.pod)}: ${code(container)} runs ${code(settings.debugCommand.join(' '))} with no probes, no labels and no owner; the workload is untouched. It is deleted at ${expiresAt}.${dryRunNote(ctx)}\n${codeBlock(command)}`;
  const blocks = await messageWithButton(ctx, text, ACTION_IDS.debugDelete, 'Delete now', { debugPod: name }, {
    style: 'danger',
    confirm: deleteCopyConfirm({ cluster: state.cluster, namespace: state.namespace, copy: name, of: state.pod }),
  });
  // The alternative that debugs the original pod in place, where the cluster supports it.
  const ephemeralState = await ctx.states.save(followUpState(ctx, { container }));
  const actions = blocks.find((b) => b.type === 'actions');
  if (actions !== undefined && actions.type === 'actions') {
    actions.elements.push(button(ACTION_IDS.debugEphemeral, ephemeralState, { label: 'Ephemeral container in the original pod' }));
  }
  await post(ctx, mrkdwn`Debug copy ${name}: ${command}`, blocks);
  return { status: 'done', message: `created debug copy ${name} of ${state.namespace}/${state.pod} (expires ${expiresAt})${dryRunNote(ctx)}` };
}

export async function debugDelete(ctx: ActionContext): Promise<HandlerResult> {
  const { state } = ctx;
  const name = state.debugPod;
  if (name === undefined) return { status: 'failed', message: `clicked "Delete now" but the button names no debug copy.` };
  try {
    const pod = await ctx.writer.getPod(state.namespace, name, ctx.signal);
    // Only ever delete what we created.
    if (stringMap(objectAt(pod, 'metadata', 'annotations'))[DEBUG_ANNOTATIONS.copyOf] === undefined) {
      return { status: 'failed', message: `asked to delete ${state.namespace}/${name}, which is not a crashloop-bot debug copy; nothing deleted.` };
    }
    await ctx.writer.deletePod(state.namespace, name, { dryRun: ctx.settings.dryRun });
  } catch (err) {
    if (err instanceof ClusterError && err.code === 'NOT_FOUND') return { status: 'done', message: `deleted debug copy ${state.namespace}/${name} (it was already gone)` };
    throw err;
  }
  return { status: 'done', message: `deleted debug copy ${state.namespace}/${name}${dryRunNote(ctx)}` };
}
