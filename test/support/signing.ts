// Signed Slack requests for end-to-end tests: v0=HMAC-SHA256(secret, `v0:${ts}:${body}`).
import { createHmac } from 'node:crypto';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedOptions {
  /** Unix seconds; defaults to now. A value 10 min in the past makes a stale request. */
  timestamp?: number;
  /** Override the signature (e.g. to send a bad one). */
  signature?: string;
}

/** POST a form-encoded body to Bolt with Slack's signature headers. */
export async function postSigned(url: string, secret: string, body: string, options: SignedOptions = {}): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(secret, timestamp, body),
    },
    body,
  });
}

export interface SlashCommandFields {
  text: string;
  command?: string;
  userId?: string;
  channelId?: string;
  responseUrl: string;
  teamId?: string;
}

/** The form body Slack sends for a slash command. */
export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'legacy-verification-token-test',
    team_id: fields.teamId ?? 'T0TEST',
    team_domain: 'test',
    channel_id: fields.channelId ?? 'C0TEST',
    channel_name: 'ops',
    user_id: fields.userId ?? 'U0TEST',
    user_name: 'tester',
    command: fields.command ?? '/crashloop',
    text: fields.text,
    api_app_id: 'A0TEST',
    response_url: fields.responseUrl,
    trigger_id: '1.2.3',
  }).toString();
}

export interface BlockActionFields {
  actionId: string;
  value: string;
  userId?: string;
  channelId?: string;
  messageTs?: string;
  threadTs?: string;
  responseUrl: string;
}

/** The `payload=` form body Slack sends for a button click. */
export function blockActionBody(fields: BlockActionFields): string {
  const messageTs = fields.messageTs ?? '1700000000.000001';
  const payload = {
    type: 'block_actions',
    team: { id: 'T0TEST', domain: 'test' },
    user: { id: fields.userId ?? 'U0TEST', username: 'tester', name: 'tester', team_id: 'T0TEST' },
    api_app_id: 'A0TEST',
    token: 'legacy-verification-token-test',
    trigger_id: '1.2.3',
    channel: { id: fields.channelId ?? 'C0TEST', name: 'ops' },
    container: { type: 'message', message_ts: messageTs, channel_id: fields.channelId ?? 'C0TEST', is_ephemeral: false },
    message: { type: 'message', ts: messageTs, thread_ts: fields.threadTs, text: 'report', user: 'U0BOT' },
    response_url: fields.responseUrl,
    actions: [
      { type: 'button', action_id: fields.actionId, block_id: 'b1', value: fields.value, text: { type: 'plain_text', text: 'x' }, action_ts: `${Date.now() / 1000}` },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
