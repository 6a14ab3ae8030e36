// A report button (previous logs, debug copy, sleep override, rollout undo, acknowledge, mute, …): ack,
// validate the click, hand it to the ActionExecutor (which checks expiry, authorizes, runs and audits
// every attempt) and say the outcome: in the report's thread, or, when nothing was done (denied, expired,
// stale), to the clicker only (ephemeral, via response_url, else chat.postEphemeral), with the short
// audit line the executor gives for the thread.
import type { BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ActionExecutor, ActionId, ActionOutcome } from '../src/actions/types.ts';
import { parseButtonClick } from '../src/slack/action-request.ts';
import { actionOutcomeMessage, badClickMessage } from '../src/slack/render/messages.ts';
import type { SlackPoster } from '../src/slack/post.ts';

export interface ReportActionDeps {
  executor: ActionExecutor;
  poster: Pick<SlackPoster, 'postThreadReply' | 'postEphemeral'>;
  log?: (message: string, error?: unknown) => void;
}

type Args = Pick<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, 'ack' | 'body' | 'action' | 'respond'>;

export function createReportActionHandler(actionId: ActionId, deps: ReportActionDeps) {
  return async ({ ack, body, action, respond }: Args): Promise<void> => {
    // Ack first: actions can take longer than Slack's 3 s.
    await ack();
    const click = parseButtonClick(actionId, body, action);
    if (!click.ok) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: badClickMessage(click.error).text });
      return;
    }
    const { request } = click;
    let outcome: ActionOutcome;
    try {
      outcome = await deps.executor.execute(request);
    } catch (error) {
      deps.log?.(`action ${actionId} failed`, error);
      outcome = { status: 'failed', message: `The action failed unexpectedly: ${error instanceof Error ? error.message : String(error)}` };
    }
    const message = actionOutcomeMessage(request.user.id, outcome);
    if (outcome.private === true) {
      try {
        if (request.responseUrl !== undefined) await respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks });
        else await deps.poster.postEphemeral(request.channel, request.user.id, message, request.threadTs);
      } catch (error) {
        deps.log?.(`could not tell the clicker why ${actionId} did nothing`, error);
      }
      if (outcome.auditLine === undefined) return;
      const line = actionOutcomeMessage(request.user.id, { status: outcome.status, message: outcome.auditLine });
      await deps.poster.postThreadReply(`action:${request.stateId}:${actionId}:${request.actionTs}:audit`, { channel: request.channel, threadTs: request.threadTs }, line).catch((error: unknown) => deps.log?.(`could not post the audit line of ${actionId} in the thread`, error));
      return;
    }
    try {
      await deps.poster.postThreadReply(outcome.replyKey ?? `action:${request.stateId}:${actionId}:${request.actionTs}`, { channel: request.channel, threadTs: request.threadTs }, message);
    } catch (error) {
      // The thread is out of reach (Slack error, bot removed from the channel): tell the clicker directly.
      deps.log?.(`could not post the outcome of ${actionId} in the thread`, error);
      await respond({ response_type: 'ephemeral', replace_original: false, text: `${message.text}\n(I could not post this in the report's thread.)` });
    }
  };
}
