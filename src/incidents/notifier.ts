// What the incident flow needs from Slack: post (optionally in a thread) and edit. The adapter below
// wraps @slack/web-api's WebClient; tests pass a recording implementation or the fake Slack server.
import type { WebClient } from '@slack/web-api';

export interface IncidentNotifier {
  post(message: { channel: string; text: string; threadTs?: string }): Promise<{ ts: string }>;
  update(message: { channel: string; ts: string; text: string }): Promise<void>;
}

export function webClientNotifier(client: WebClient): IncidentNotifier {
  return {
    async post({ channel, text, threadTs }) {
      const res = await client.chat.postMessage(threadTs === undefined ? { channel, text } : { channel, text, thread_ts: threadTs });
      if (res.ts === undefined) throw new Error(`Slack accepted the message for ${channel} but returned no ts`);
      return { ts: res.ts };
    },
    async update({ channel, ts, text }) {
      await client.chat.update({ channel, ts, text });
    },
  };
}
