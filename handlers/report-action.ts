// A report button (previous logs, debug copy, sleep override, rollout undo, …): ack, hand the click to
// the ActionExecutor (which checks expiry, authorizes and audits every attempt) and say the outcome in
// the report's thread.
import type { BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ActionExecutor, ActionId } from '../src/actions/types.ts';
import { toActionRequest } from '../src/slack/action-request.ts';
import type { SlackPoster } from '../src/slack/post.ts';

export interface ReportActionDeps {
  executor: ActionExecutor;
  poster: Pick<SlackPoster, 'postThreadReply'>;
  log?: (message: string, error?: unknown) => void;
}

type Args = Pick<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, 'ack' | 'body' | 'action' | 'respond'>;

const ICONS = { done: ':white_check_mark:', denied: ':no_entry:', duplicate: ':repeat:', expired: ':hourglass:', failed: ':x:' } as const;

export function createReportActionHandler(actionId: ActionId, deps: ReportActionDeps) {
  return async ({ ack, body, action, respond }: Args): Promise<void> => {
    await ack();
    const request = toActionRequest(actionId, body, action);
    let outcome;
    try {
      outcome = await deps.executor.execute(request);
    } catch (error) {
      deps.log?.(`action ${actionId} failed`, error);
      outcome = { status: 'failed' as const, message: `The action failed unexpectedly: ${error instanceof Error ? error.message : String(error)}` };
    }
    const text = `${ICONS[outcome.status]} <@${request.user.id}>: ${outcome.message}`;
    try {
      await deps.poster.postThreadReply(outcome.replyKey ?? `action:${request.stateId}:${actionId}:${request.actionTs}`, { channel: request.channel, threadTs: request.threadTs }, { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
    } catch (error) {
      // The thread is out of reach (Slack error, bot removed from the channel): tell the clicker directly.
      deps.log?.(`could not post the outcome of ${actionId} in the thread`, error);
      await respond({ response_type: 'ephemeral', replace_original: false, text: `${text}\n(I could not post this in the report's thread.)` });
    }
  };
}
