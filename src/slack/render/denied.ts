// The answer to a request the actions policy refuses. The reason is built by src/auth/policy.ts from
// the policy and validated names only (no pod output); it is escaped all the same, like every Slack text.
import { fallbackText, mrkdwn } from '../mrkdwn.ts';
import type { RenderedMessage } from './report.ts';

export function deniedMessage(reason: string): RenderedMessage {
  const body = mrkdwn`:no_entry: You ${reason} Nothing was looked up or posted.`;
  return { text: fallbackText(body, 200), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: body.text } }] };
}

/** A report the policy keeps out of a channel (an alert routed where not everyone may read). */
export function withheldMessage(reason: string): RenderedMessage {
  const body = mrkdwn`:lock: ${reason}`;
  return { text: fallbackText(body, 200), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: body.text } }] };
}
