// The labelling modal's Save (view_submission): check the payload (zod), let the service decide and
// store, ack within Slack's 3 s (close, field errors, or a notice), then post the thread line.
import type { SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { parseFeedbackSubmission } from '../src/feedback/requests.ts';
import type { FeedbackService } from '../src/feedback/service.ts';
import { noticeModal } from '../src/feedback/render.ts';
import { text } from '../src/slack/mrkdwn.ts';

type Args = Pick<SlackViewMiddlewareArgs<ViewSubmitAction>, 'ack' | 'body'>;

export function createFeedbackSubmitHandler(deps: { service: Pick<FeedbackService, 'submit'>; log?: (message: string, error?: unknown) => void }) {
  return async ({ ack, body }: Args): Promise<void> => {
    const parsed = parseFeedbackSubmission(body);
    if (!parsed.ok) {
      await ack({ response_action: 'update', view: noticeModal(text(`I could not read this form (${parsed.error}); nothing was stored.`)) });
      return;
    }
    const result = await deps.service.submit(parsed.submission);
    await ack(result.ack);
    await result.after?.();
  };
}
