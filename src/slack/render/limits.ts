// Slack's Block Kit limits and the helpers that keep every rendered message inside them.
// https://api.slack.com/reference/block-kit — section text 3,000, button text 75, value 2,000, 50 blocks.
import { codeBlock as safeCodeBlock, escapeSlack, mrkdwn, plainText, truncateMrkdwn, type Mrkdwn, type SlackText } from '../mrkdwn.ts';

export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  buttonText: 75,
  buttonValue: 2000,
  actionElements: 25,
  /** Slack truncates messages past ~40k chars; long messages read badly well before. We stay under 12k. */
  messageChars: 12000,
  /** The top-level `text` fallback. */
  fallbackText: 3000,
} as const;

// Every text field is a SlackText: only src/slack/mrkdwn.ts makes one (escaped, or the bot's own markup),
// so a raw string from a pod, a log or a user cannot be put into a block by mistake.
export interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: SlackText;
  emoji?: boolean;
}

export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: { type: 'plain_text'; text: SlackText; emoji?: boolean };
  value: string;
  style?: 'primary' | 'danger';
  confirm?: {
    title: { type: 'plain_text'; text: SlackText };
    text: { type: 'mrkdwn'; text: SlackText };
    confirm: { type: 'plain_text'; text: SlackText };
    deny: { type: 'plain_text'; text: SlackText };
  };
}

export type Block =
  | { type: 'header'; text: { type: 'plain_text'; text: SlackText; emoji?: boolean } }
  | { type: 'section'; text: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' }
  | { type: 'actions'; block_id?: string; elements: ButtonElement[] };

/** Cuts `text` to at most `max` characters, marking the cut. */
export function truncate(text: string, max: number, marker = '…'): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - marker.length)) + marker;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters (src/slack/mrkdwn.ts). */
export const escapeMrkdwn = escapeSlack;

/** A fenced code block that fits in `max` characters, whatever the content (escaped). */
export function codeBlock(text: string, max: number = LIMITS.sectionText): Mrkdwn {
  return safeCodeBlock(text, max);
}

export function section(text: Mrkdwn): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(text, LIMITS.sectionText).text } };
}

export function context(...texts: Mrkdwn[]): Block {
  return {
    type: 'context',
    elements: texts.slice(0, LIMITS.contextElements).map((t) => ({ type: 'mrkdwn' as const, text: truncateMrkdwn(t, LIMITS.contextText).text })),
  };
}

/** A header from untrusted plain words: cut, then escaped. */
export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: plainText(truncate(text, LIMITS.headerText)), emoji: true } };
}

function blockChars(block: Block): number {
  return JSON.stringify(block).length;
}

/**
 * Keeps a message within the block count and total size: drops blocks from the end and says so.
 * Budget counts the JSON of the blocks, which over-estimates the visible text.
 */
export function fitBlocks(blocks: Block[], budget: number = LIMITS.messageChars): Block[] {
  const note = context(mrkdwn`_Truncated to fit Slack's message limits; the full detail is in the thread and in \`crashloop diagnose\`._`);
  let total = 0;
  const kept: Block[] = [];
  for (const block of blocks) {
    const size = blockChars(block);
    if (kept.length >= LIMITS.blocksPerMessage - 1 || total + size > budget - blockChars(note)) {
      return [...kept, note];
    }
    kept.push(block);
    total += size;
  }
  return kept;
}
