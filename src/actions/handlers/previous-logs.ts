// "Previous logs": the redacted logs of the crashed instance, last lines inline, the whole as a file.
import { redactTail } from '../../../diagnostics/redact.ts';
import { ClusterError } from '../../cluster/types.ts';
import { arrayAt, isObject, objectAt, type JsonObject } from '../json.ts';
import { ACTION_IDS } from '../types.ts';
import { followUpState, post, type ActionContext, type HandlerResult } from '../context.ts';
import type { SlackBlock } from '../slack-port.ts';
import { button } from '../../slack/render/buttons.ts';
import { section } from '../../slack/render/limits.ts';
import { code, codeBlock, mrkdwn, plainText, type Mrkdwn } from '../../slack/mrkdwn.ts';

const INLINE_CHARS = 2800;
/** The API may return 5 MiB; only the last MiB is redacted and uploaded (the crash is at the end). */
export const MAX_UPLOAD_CHARS = 1024 * 1024;

function lastLines(text: string, lines: number): string {
  const all = text.replace(/\n$/, '').split('\n');
  let tail = all.slice(-lines).join('\n');
  if (tail.length > INLINE_CHARS) tail = `…${tail.slice(tail.length - INLINE_CHARS)}`;
  return tail;
}

function isNoPrevious(err: unknown): boolean {
  return err instanceof ClusterError && err.code === 'BAD_REQUEST' && /previous terminated container/i.test(err.message);
}

export async function previousLogs(ctx: ActionContext): Promise<HandlerResult> {
  const { state, request } = ctx;
  // The containers (init first) come from the pod itself, so the choice is always current.
  const pod = await ctx.writer.getPod(state.namespace, state.pod, ctx.signal);
  const containers: string[] = [];
  for (const list of ['initContainers', 'containers']) {
    for (const c of arrayAt(pod, 'spec', list)) if (isObject(c) && typeof c.name === 'string') containers.push(c.name);
  }
  const container = request.selected ?? state.container ?? containers[0];
  if (container === undefined || !containers.includes(container)) {
    return { status: 'failed', message: `could not show logs: container "${container ?? ''}" is not in ${state.namespace}/${state.pod}` };
  }
  let text: string;
  let which = 'previous';
  let why: Mrkdwn = mrkdwn``;
  const current = async (reason: string): Promise<string> => {
    which = 'current';
    why = mrkdwn`There is no previous instance of ${code(container)} (${reason}), so these are the *current* logs.\n`;
    return ctx.writer.readLog(state.namespace, state.pod, container, false, ctx.signal);
  };
  // The pod's status says whether a crashed instance exists; the API's own answer is the fallback.
  if (!hasPreviousInstance(pod, container)) {
    text = await current('it has not terminated since the pod started');
  } else {
    try {
      text = await ctx.writer.readLog(state.namespace, state.pod, container, true, ctx.signal);
    } catch (err) {
      if (!isNoPrevious(err)) throw err;
      text = await current('the kubelet no longer keeps it');
    }
  }
  // Cut first, then redact only what leaves the bot.
  const tail = redactTail(text, MAX_UPLOAD_CHARS);
  const redacted = tail.omitted === 0 ? tail.text : `[first ${tail.omitted} characters omitted]\n${tail.text}`;
  const title = `${which} logs of ${state.namespace}/${state.pod} [${container}]`;
  const body = redacted.trim() === '' ? '(empty: the container wrote nothing)' : lastLines(redacted, ctx.settings.logTailLines);
  const blocks: SlackBlock[] = [previousLogsSection(why, title, body)];
  const others = containers.filter((c) => c !== container);
  // One button per other container (init included): each carries its own state, so the listener stays generic.
  for (const other of others.slice(0, 10)) {
    const stateId = await ctx.states.save(followUpState(ctx, { container: other }));
    blocks.push({ type: 'actions', elements: [button(ACTION_IDS.previousLogs, stateId, { label: `Logs of ${other}` })] });
  }
  await post(ctx, mrkdwn`${why}Last lines of the ${title}`, blocks);
  if (redacted.trim() !== '') {
    await ctx.slack.uploadFile({ channel: request.channel, threadTs: request.threadTs, filename: `${state.pod}-${container}-${which}.log`.replace(/[^A-Za-z0-9._-]/g, '_'), content: redacted, title: plainText(title) });
  }
  return { status: 'done', message: `posted the ${title}` };
}

/** Logs are the most hostile text there is: escaped in a code block that cannot be closed early. `body` is redacted. */
export function previousLogsSection(why: Mrkdwn, title: string, body: string): SlackBlock {
  return section(mrkdwn`${why}*Last lines of the ${title}* (secrets redacted):\n${codeBlock(body, 2900 - why.length - title.length)}`);
}

function hasPreviousInstance(pod: JsonObject, container: string): boolean {
  for (const list of ['initContainerStatuses', 'containerStatuses']) {
    for (const st of arrayAt(pod, 'status', list)) {
      if (!isObject(st) || st.name !== container) continue;
      const restarts = typeof st.restartCount === 'number' ? st.restartCount : 0;
      return restarts > 0 || objectAt(st, 'lastState', 'terminated') !== undefined;
    }
  }
  // No status yet: let the API answer.
  return true;
}
