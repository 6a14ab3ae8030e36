// What the incident flow needs from Slack: post (optionally in a thread) and edit. The adapter below
// wraps @slack/web-api's WebClient; tests pass a recording implementation or the fake Slack server.
import type { WebClient } from '@slack/web-api';
import type { SlackText } from '../slack/mrkdwn.ts';
import { outboundText } from '../slack/outbound.ts';

/** Texts are SlackText (src/slack/mrkdwn.ts): alert labels are escaped before they get here. */
export interface IncidentNotifier {
  post(message: { channel: string; text: SlackText; threadTs?: string }): Promise<{ ts: string }>;
  update(message: { channel: string; ts: string; text: SlackText }): Promise<void>;
}

/** Paces calls per channel (src/slack/pacer.ts's RedisPacer shares the pace with the report poster). */
export interface ChannelPacer {
  wait(channel: string): Promise<unknown>;
}

export function webClientNotifier(client: WebClient, pacer?: ChannelPacer): IncidentNotifier {
  return {
    async post({ channel, text, threadTs }) {
      await pacer?.wait(channel);
      const safe = outboundText(text);
      const res = await client.chat.postMessage(threadTs === undefined ? { channel, text: safe } : { channel, text: safe, thread_ts: threadTs });
      if (res.ts === undefined) throw new Error(`Slack accepted the message for ${channel} but returned no ts`);
      return { ts: res.ts };
    },
    async update({ channel, ts, text }) {
      await pacer?.wait(channel);
      await client.chat.update({ channel, ts, text: outboundText(text) });
    },
  };
}
