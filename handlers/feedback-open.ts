// The report's "Wrong diagnosis?" button: ack, check the click (zod), and open the labelling modal, or
// tell the clicker ephemerally why not (expired, not their message, no right to read the namespace).
import type { BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { parseFeedbackClick } from '../src/feedback/requests.ts';
import type { FeedbackService } from '../src/feedback/service.ts';
import { badClickMessage } from '../src/slack/render/messages.ts';

type Args = Pick<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, 'ack' | 'body' | 'action' | 'respond'>;

export function createFeedbackOpenHandler(deps: { service: Pick<FeedbackService, 'open'>; log?: (message: string, error?: unknown) => void }) {
  return async ({ ack, body, action, respond }: Args): Promise<void> => {
    await ack();
    const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    const parsed = parseFeedbackClick(body, action.value);
    if (!parsed.ok) {
      await say(badClickMessage(parsed.error).text);
      return;
    }
    const result = await deps.service.open(parsed.click);
    if (!result.opened) await say(result.message.text).catch((error: unknown) => deps.log?.('feedback: could not answer the click', error));
  };
}
