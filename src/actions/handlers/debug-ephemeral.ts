// "Ephemeral debug container": a shell container added to the original pod, sharing the failing
// container's process namespace (targetContainerName), like `kubectl debug -it <pod> --target=<c>`.
import { randomBytes } from 'node:crypto';
import { ClusterError } from '../../cluster/types.ts';
import { arrayAt, isObject } from '../json.ts';
import { dryRunNote, post, type ActionContext, type HandlerResult } from '../context.ts';
import { attachCommand } from '../commands.ts';
import { code, codeBlock, mrkdwn } from '../../slack/mrkdwn.ts';

export async function debugEphemeral(ctx: ActionContext): Promise<HandlerResult> {
  const { state, settings } = ctx;
  const pod = await ctx.writer.getPod(state.namespace, state.pod, ctx.signal);
  const names: string[] = [];
  for (const list of ['initContainers', 'containers']) {
    for (const c of arrayAt(pod, 'spec', list)) if (isObject(c) && typeof c.name === 'string') names.push(c.name);
  }
  const target = ctx.request.selected ?? state.container ?? names[0];
  if (target === undefined || !names.includes(target)) return { status: 'failed', message: `could not add a debug container: container "${target ?? ''}" is not in ${state.namespace}/${state.pod}` };
  const name = `debugger-${randomBytes(3).toString('hex')}`;
  const container = { name, image: settings.ephemeralImage, command: ['sh'], stdin: true, tty: true, targetContainerName: target, terminationMessagePolicy: 'File' };
  try {
    await ctx.writer.addEphemeralContainer(state.namespace, state.pod, container, { dryRun: settings.dryRun, ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) });
  } catch (err) {
    if (err instanceof ClusterError && (err.code === 'NOT_FOUND' || err.status === 405 || err.status === 415)) {
      return { status: 'failed', message: `this cluster does not support ephemeral containers (pods/ephemeralcontainers); use the debug copy instead` };
    }
    throw err;
  }
  const command = attachCommand(state.namespace, state.pod, name);
  await post(ctx, mrkdwn`Ephemeral container ${code(name)} (${settings.ephemeralImage}) added to ${code(state.pod)}, sharing the processes of ${code(target)}. It stays until the pod is deleted.${dryRunNote(ctx)}\n${codeBlock(command)}`);
  return { status: 'done', message: `added ephemeral debug container ${name} to ${state.namespace}/${state.pod} (target ${target})${dryRunNote(ctx)}` };
}
