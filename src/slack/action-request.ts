// Turns a block_actions payload into the ActionRequest the executors take, after checking (zod) the
// fields a click must carry: Bolt types the payload but does not check it. Pure.
import type { BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { ActionId, ActionRequest } from '../actions/types.ts';

const id = z.string().trim().min(1);

/** What every button click needs; the state id is opaque and short (see ActionStateStore). */
const clickSchema = z.object({
  stateId: z.string().trim().min(1, 'the button carries no state id').max(200, 'the state id is too long'),
  userId: id,
  channel: id,
  messageTs: id,
  actionTs: id,
});

export type ParsedClick = { ok: true; request: ActionRequest } | { ok: false; error: string };

export function parseButtonClick(actionId: ActionId, body: BlockAction, action: ButtonAction): ParsedClick {
  const message = body.message;
  const messageTs = typeof message?.ts === 'string' ? message.ts : String(body.container?.message_ts ?? '');
  const parsed = clickSchema.safeParse({
    stateId: action.value ?? '',
    userId: body.user?.id,
    channel: body.channel?.id ?? body.container?.channel_id,
    messageTs,
    actionTs: action.action_ts,
  });
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ') };
  const click = parsed.data;
  const threadTs = typeof message?.thread_ts === 'string' && message.thread_ts !== '' ? message.thread_ts : click.messageTs;
  const request: ActionRequest = {
    actionId,
    stateId: click.stateId,
    user: { id: click.userId },
    channel: click.channel,
    messageTs: click.messageTs,
    threadTs,
    actionTs: click.actionTs,
    responseUrl: body.response_url,
    triggerId: body.trigger_id,
  };
  if (body.user.team_id !== undefined) request.user.teamId = body.user.team_id;
  const name = body.user.name ?? body.user.username;
  if (name !== undefined) request.user.name = name;
  return { ok: true, request };
}
