// The answer to a request the actions policy refuses. The reason is built by src/auth/policy.ts from
// the policy and the requested names (no pod output); it is escaped all the same, since a name typed
// in a command is not validated everywhere.
import { fallbackText, mrkdwn } from '../mrkdwn.ts';
import { section } from './limits.ts';
import type { RenderedMessage } from './report.ts';

export function deniedMessage(reason: string): RenderedMessage {
  const text = mrkdwn`:no_entry: You ${reason} Nothing was looked up or posted.`;
  return { text: fallbackText(text, 200), blocks: [section(text)] };
}

/** A report the policy keeps out of a channel (an alert routed where not everyone may read). */
export function withheldMessage(reason: string): RenderedMessage {
  const text = mrkdwn`:lock: ${reason}`;
  return { text: fallbackText(text, 200), blocks: [section(text)] };
}
