// Posting to Slack: idempotent (a retried job never posts twice), paced per channel, and tolerant of
// 429s (WebClient waits out Retry-After and retries) and 5xx (WebClient retries with back-off).
import type { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { Pacer } from './pacer.ts';
import type { LogFile } from './render/thread.ts';
import type { RenderedMessage, RenderedReport } from './render/report.ts';
import { outboundBlocks, outboundText } from './outbound.ts';
import { redactText } from '../../diagnostics/redact.ts';

/** Idempotency records outlive any retry schedule. */
export const POSTED_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface Posted {
  channel: string;
  ts: string;
  /** True when an earlier attempt had posted it: this call updated or skipped instead. */
  reused: boolean;
}

export interface PostTarget {
  channel: string;
  threadTs?: string;
}

export interface SlackPosterOptions {
  client: WebClient;
  redis: Redis;
  pacer: Pacer;
  prefix?: string;
  fetch?: typeof fetch;
}

export class SlackPoster {
  readonly client: WebClient;
  private readonly redis: Redis;
  private readonly pacer: Pacer;
  private readonly prefix: string;
  private readonly fetch: typeof fetch;

  constructor(options: SlackPosterOptions) {
    this.client = options.client;
    this.redis = options.redis;
    this.pacer = options.pacer;
    this.prefix = options.prefix ?? 'crashloop';
    this.fetch = options.fetch ?? fetch;
  }

  private recordKey(key: string): string {
    return `${this.prefix}:posted:${key}`;
  }

  /** What an earlier attempt posted under `key`, if anything. */
  async posted(key: string): Promise<{ channel: string; ts: string } | undefined> {
    const raw = await this.redis.get(this.recordKey(key));
    return raw === null ? undefined : (JSON.parse(raw) as { channel: string; ts: string });
  }

  private async record(key: string, channel: string, ts: string): Promise<void> {
    await this.redis.set(this.recordKey(key), JSON.stringify({ channel, ts }), 'EX', POSTED_TTL_SECONDS);
  }

  /**
   * Posts the report's parent message (or, with threadTs, a reply carrying the report's metadata). On a
   * retry with the same key the existing message is updated in place.
   */
  async postReport(key: string, target: PostTarget, message: RenderedReport, signal?: AbortSignal): Promise<Posted> {
    const previous = await this.posted(key);
    await this.pacer.wait(target.channel, signal);
    if (previous !== undefined) {
      await this.client.chat.update({ channel: previous.channel, ts: previous.ts, text: outboundText(message.text), blocks: outboundBlocks(message.blocks), metadata: message.metadata });
      return { ...previous, reused: true };
    }
    return this.postNew(key, target, message);
  }

  /** Posts a message into a thread (or the channel without threadTs); a retry with the same key posts nothing. */
  async postThreadReply(key: string, target: PostTarget, message: RenderedMessage, signal?: AbortSignal): Promise<Posted> {
    const previous = await this.posted(key);
    if (previous !== undefined) return { ...previous, reused: true };
    await this.pacer.wait(target.channel, signal);
    return this.postNew(key, target, message);
  }

  /** chat.postMessage, then the record that makes a retry with the same key reuse it. */
  private async postNew(key: string, target: PostTarget, message: RenderedMessage & { metadata?: RenderedReport['metadata'] }): Promise<Posted> {
    const result = await this.client.chat.postMessage({
      channel: target.channel,
      text: outboundText(message.text),
      blocks: outboundBlocks(message.blocks),
      ...(message.metadata === undefined ? {} : { metadata: message.metadata }),
      unfurl_links: false,
      ...(target.threadTs === undefined ? {} : { thread_ts: target.threadTs }),
    });
    const ts = requireTs(result.ts, 'chat.postMessage');
    const channel = result.channel ?? target.channel;
    await this.record(key, channel, ts);
    return { channel, ts, reused: false };
  }

  /** Uploads a file into a thread with files.uploadV2; a retry with the same key uploads nothing. */
  async uploadFile(key: string, target: PostTarget, file: LogFile, signal?: AbortSignal): Promise<{ reused: boolean }> {
    if ((await this.posted(key)) !== undefined) return { reused: true };
    await this.pacer.wait(target.channel, signal);
    const upload = { filename: file.filename, title: outboundText(file.title), content: redactText(file.content) };
    if (target.threadTs === undefined) {
      await this.client.filesUploadV2({ ...upload, channel_id: target.channel });
    } else {
      await this.client.filesUploadV2({ ...upload, channel_id: target.channel, thread_ts: target.threadTs });
    }
    await this.record(key, target.channel, target.threadTs ?? '');
    return { reused: false };
  }

  /** An ephemeral message to one user in a channel. */
  async postEphemeral(channel: string, user: string, message: RenderedMessage, threadTs?: string): Promise<void> {
    await this.client.chat.postEphemeral({ channel, user, text: outboundText(message.text), blocks: outboundBlocks(message.blocks), ...(threadTs === undefined ? {} : { thread_ts: threadTs }) });
  }

  /** Answers through a response_url (slash commands, buttons): ephemeral unless told otherwise. */
  async respond(responseUrl: string, message: RenderedMessage, options: { inChannel?: boolean; replaceOriginal?: boolean } = {}): Promise<void> {
    const response = await this.fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: options.inChannel === true ? 'in_channel' : 'ephemeral',
        replace_original: options.replaceOriginal ?? false,
        text: outboundText(message.text),
        blocks: outboundBlocks(message.blocks),
      }),
    });
    if (!response.ok) throw new Error(`response_url answered HTTP ${response.status}`);
  }
}

function requireTs(ts: string | undefined, method: string): string {
  if (ts === undefined || ts === '') throw new Error(`${method} returned no ts`);
  return ts;
}
