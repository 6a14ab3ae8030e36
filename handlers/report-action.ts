// A report button (previous logs, debug copy, sleep override, rollout undo, …): ack, check the state is
// still there, hand the click to the ActionExecutor and say the outcome in the report's thread.
import type { BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ActionExecutor, ActionId } from '../src/actions/types.ts';
import type { ActionStateStore } from '../src/slack/action-state.ts';
import { toActionRequest } from '../src/slack/action-request.ts';
import { expiredMessage } from '../src/slack/render/messages.ts';
import type { SlackPoster } from '../src/slack/post.ts';

export interface ReportActionDeps {
  executor: ActionExecutor;
  states: Pick<ActionStateStore, 'load'>;
  poster: Pick<SlackPoster, 'postThreadReply'>;
  log?: (message: string, error?: unknown) => void;
}

type Args = Pick<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, 'ack' | 'body' | 'action' | 'respond'>;

const ICONS = { done: ':white_check_mark:', denied: ':no_entry:', duplicate: ':repeat:', expired: ':hourglass:', failed: ':x:' } as const;

export function createReportActionHandler(actionId: ActionId, deps: ReportActionDeps) {
  return async ({ ack, body, action, respond }: Args): Promise<void> => {
    await ack();
    const request = toActionRequest(actionId, body, action);
    const state = await deps.states.load(request.stateId);
    if (state === undefined) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: expiredMessage().text });
      return;
    }
    let outcome;
    try {
      outcome = await deps.executor.execute(request);
    } catch (error) {
      deps.log?.(`action ${actionId} failed`, error);
      outcome = { status: 'failed' as const, message: `The action failed unexpectedly: ${error instanceof Error ? error.message : String(error)}` };
    }
    const text = `${ICONS[outcome.status]} <@${request.user.id}>: ${outcome.message}`;
    await deps.poster.postThreadReply(`action:${request.stateId}:${actionId}:${request.actionTs}`, { channel: request.channel, threadTs: request.threadTs }, { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  };
}
