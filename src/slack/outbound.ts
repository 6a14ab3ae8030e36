// The last step before anything reaches Slack: every `text` field of a message (fallback, section,
// context, button, confirm dialog) and every file title and body goes through redactText once more.
// Renderers already redact and escape at the source; this pass catches what a new path forgets.
// Redaction only ever inserts "[REDACTED]", so escaped text stays escaped.
import { redactText } from '../../diagnostics/redact.ts';
import type { SlackText } from './mrkdwn.ts';

/** The message text, redacted (still a SlackText: redaction adds no markup). */
export function outboundText(text: SlackText): SlackText {
  return redactText(text) as SlackText;
}

/** A deep copy of blocks with every string under a `text` key redacted. */
export function outboundBlocks<T>(blocks: T): T {
  return walk(blocks, 0) as T;
}

function walk(value: unknown, depth: number): unknown {
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === 'text' && typeof v === 'string' ? redactText(v) : walk(v, depth + 1);
  return out;
}
