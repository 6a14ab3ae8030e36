// What the actions need from Slack, and an adapter over @slack/web-api's WebClient.
import type { WebClient } from '@slack/web-api';
import type { Logger } from './audit.ts';
import type { Block } from '../slack/render/limits.ts';
import type { SlackText } from '../slack/mrkdwn.ts';
import { outboundBlocks, outboundText } from '../slack/outbound.ts';
import { redactText } from '../../diagnostics/redact.ts';

/** A Block Kit block, built with src/slack/render (texts are SlackText: escaped or the bot's own markup). */
export type SlackBlock = Block;

export interface ActionSlack {
  postMessage(args: { channel: string; threadTs?: string; text: SlackText; blocks?: SlackBlock[] }): Promise<{ ts: string }>;
  updateMessage(args: { channel: string; ts: string; text: SlackText; blocks?: SlackBlock[] }): Promise<void>;
  uploadFile(args: { channel: string; threadTs: string; filename: string; content: string; title: SlackText }): Promise<void>;
  /** Slack user-group ids of a user; [] when unknown (needs usergroups:read). */
  userGroups(userId: string): Promise<string[]>;
  /** The user's profile email (users:read.email), for the Kubernetes identity mode. */
  userEmail?(userId: string): Promise<string | undefined>;
}

export function slackFromWebClient(client: WebClient, logger?: Logger, options: { groupCacheMs?: number; now?: () => number } = {}): ActionSlack {
  const cacheMs = options.groupCacheMs ?? 5 * 60 * 1000;
  const now = options.now ?? Date.now;
  let cache: { at: number; byUser: Map<string, string[]> } | undefined;
  return {
    async postMessage({ channel, threadTs, text, blocks }) {
      const res = await client.chat.postMessage({ channel, text: outboundText(text), ...(threadTs === undefined ? {} : { thread_ts: threadTs }), ...(blocks === undefined ? {} : { blocks: outboundBlocks(blocks) }) });
      return { ts: String(res.ts ?? '') };
    },
    async updateMessage({ channel, ts, text, blocks }) {
      await client.chat.update({ channel, ts, text: outboundText(text), ...(blocks === undefined ? {} : { blocks: outboundBlocks(blocks) }) });
    },
    async uploadFile({ channel, threadTs, filename, content, title }) {
      await client.filesUploadV2({ channel_id: channel, thread_ts: threadTs, filename, title: outboundText(title), content: redactText(content) });
    },
    async userEmail(userId) {
      try {
        const res = await client.users.info({ user: userId });
        return res.user?.profile?.email ?? undefined;
      } catch (err) {
        logger?.warn({ msg: 'cannot read the Slack user (users.info)', user: userId, error: String(err) });
        return undefined;
      }
    },
    async userGroups(userId) {
      if (cache === undefined || now() - cache.at > cacheMs) {
        try {
          const res = await client.usergroups.list({ include_users: true });
          const byUser = new Map<string, string[]>();
          for (const group of res.usergroups ?? []) {
            for (const member of group.users ?? []) {
              if (group.id === undefined) continue;
              byUser.set(member, [...(byUser.get(member) ?? []), group.id]);
            }
          }
          cache = { at: now(), byUser };
        } catch (err) {
          logger?.warn({ msg: 'cannot list Slack user groups; group grants in the actions policy will not match (add the usergroups:read scope)', error: String(err) });
          return [];
        }
      }
      return cache.byUser.get(userId) ?? [];
    },
  };
}
