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

/** How long a failed usergroups.list (no usergroups:read scope, Slack down) counts as "no groups". */
const FAILURE_CACHE_MS = 60_000;

export function slackFromWebClient(client: WebClient, logger?: Logger, options: { groupCacheMs?: number; now?: () => number } = {}): ActionSlack {
  const cacheMs = options.groupCacheMs ?? 5 * 60 * 1000;
  const now = options.now ?? Date.now;
  let cache: { at: number; byUser: Map<string, string[]> | undefined } | undefined;
  let loading: Promise<void> | undefined;
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
      // One usergroups.list at a time, shared by every request arriving meanwhile (a burst of commands
      // makes one call, not fifty); a failure is remembered for a minute so it is not retried per request.
      if (cache === undefined || now() - cache.at > (cache.byUser === undefined ? FAILURE_CACHE_MS : cacheMs)) {
        loading ??= (async () => {
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
            cache = { at: now(), byUser: undefined };
          } finally {
            loading = undefined;
          }
        })();
        await loading;
      }
      return cache?.byUser?.get(userId) ?? [];
    },
  };
}
