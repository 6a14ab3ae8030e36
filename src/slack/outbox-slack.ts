// The three Slack calls the outbox makes, over @slack/web-api. The client must be built with
// rejectRateLimitedCalls: a 429 comes back at once as SlackRateLimited, and the outbox (not the HTTP
// client) decides how long the channel stays quiet, so no call sleeps inside a socket.
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { OutboxContent } from './outbox-store.ts';
import { outboundBlocks } from './outbound.ts';
import { redactText } from '../../diagnostics/redact.ts';

export class SlackRateLimited extends Error {
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super(`Slack is rate-limiting this channel; retry after ${Math.round(retryAfterMs / 1000)} s`);
    this.name = 'SlackRateLimited';
    this.retryAfterMs = retryAfterMs;
  }
}

/** A Slack platform error that no retry fixes (channel_not_found, not_in_channel, invalid_blocks…). */
export class SlackRefused extends Error {
  readonly slackError: string;
  constructor(slackError: string) {
    super(`Slack refused the message: ${slackError}`);
    this.name = 'SlackRefused';
    this.slackError = slackError;
  }
}

export interface OutboxSlack {
  post(args: { channel: string; threadTs?: string; content: OutboxContent }): Promise<{ ts: string; channel: string }>;
  update(args: { channel: string; ts: string; content: OutboxContent }): Promise<void>;
  upload(args: { channel: string; threadTs?: string; filename: string; title: string; content: string }): Promise<void>;
}

const PERMANENT = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'msg_too_long', 'invalid_blocks', 'invalid_metadata_format', 'message_not_found', 'cant_update_message', 'restricted_action', 'no_permission', 'missing_scope', 'invalid_auth', 'account_inactive', 'token_revoked']);

function translate(error: unknown): Error {
  const e = error as { code?: string; retryAfter?: number; data?: { error?: string } };
  if (e.code === ErrorCode.RateLimitedError) return new SlackRateLimited(Math.max(1, e.retryAfter ?? 1) * 1000);
  if (e.code === ErrorCode.PlatformError && e.data?.error !== undefined && PERMANENT.has(e.data.error)) return new SlackRefused(e.data.error);
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The `text` fallback is what push notifications and screen readers get: at most 200 characters on
 * every post and edit, whatever a renderer produced. A cut never leaves half an entity (`&am`).
 */
export function boundedText(text: string, max = 200): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1).replace(/&[a-z]{0,4}$/, '').replace(/<[^>]*$/, '');
  return `${cut}…`;
}

function payload(content: OutboxContent) {
  return {
    // Redacted once more on the way out (src/slack/outbound.ts): renderers redact at the source already.
    text: boundedText(redactText(content.text)),
    ...(content.blocks === undefined ? {} : { blocks: outboundBlocks(content.blocks) as never[] }),
    ...(content.metadata === undefined ? {} : { metadata: content.metadata as never }),
  };
}

export function webClientOutboxSlack(client: WebClient): OutboxSlack {
  return {
    async post({ channel, threadTs, content }) {
      try {
        const res = await client.chat.postMessage({
          channel,
          ...payload(content),
          unfurl_links: false,
          unfurl_media: false,
          ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        });
        if (res.ts === undefined) throw new Error(`Slack accepted the message for ${channel} but returned no ts`);
        return { ts: res.ts, channel: res.channel ?? channel };
      } catch (error) {
        throw translate(error);
      }
    },
    async update({ channel, ts, content }) {
      try {
        await client.chat.update({ channel, ts, ...payload(content) });
      } catch (error) {
        throw translate(error);
      }
    },
    async upload({ channel, threadTs, filename, title, content }) {
      try {
        const file = { filename, title: redactText(title), content: redactText(content) };
        if (threadTs === undefined) await client.filesUploadV2({ channel_id: channel, ...file });
        else await client.filesUploadV2({ channel_id: channel, thread_ts: threadTs, ...file });
      } catch (error) {
        throw translate(error);
      }
    },
  };
}
