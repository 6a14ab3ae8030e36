// Turns a block_actions payload into the ActionRequest the executors take. Pure.
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { ActionId, ActionRequest } from '../actions/types.ts';

export function toActionRequest(actionId: ActionId, body: BlockAction, action: ButtonAction): ActionRequest {
  const message = body.message;
  const messageTs = typeof message?.ts === 'string' ? message.ts : String(body.container.message_ts ?? '');
  const threadTs = typeof message?.thread_ts === 'string' && message.thread_ts !== '' ? message.thread_ts : messageTs;
  const channel = body.channel?.id ?? String(body.container.channel_id ?? '');
  const request: ActionRequest = {
    actionId,
    stateId: action.value ?? '',
    user: { id: body.user.id },
    channel,
    messageTs,
    threadTs,
    actionTs: action.action_ts,
    responseUrl: body.response_url,
    triggerId: body.trigger_id,
  };
  if (body.user.team_id !== undefined) request.user.teamId = body.user.team_id;
  const name = body.user.name ?? body.user.username;
  if (name !== undefined) request.user.name = name;
  return request;
}
