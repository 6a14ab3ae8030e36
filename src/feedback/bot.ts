// Wires the feedback loop from the composition root's parts (src/main.ts): one store over the bot's
// Redis and prefix, the service the Slack listeners call, views.open through the bot's WebClient, the
// thread line through the poster (idempotent per report), the audit into the log and `<prefix>:audit`.
import type { Redis } from 'ioredis';
import type { WebClient } from '@slack/web-api';
import type { Policy } from '../auth/policy.ts';
import type { PrincipalLookup } from '../auth/principal.ts';
import { jsonLogger, type Logger } from '../actions/audit.ts';
import type { ActionStateStore } from '../slack/action-state.ts';
import { createOutboxStore } from '../slack/outbox-store.ts';
import type { SlackPoster } from '../slack/post.ts';
import { createFeedbackAudit } from './audit.ts';
import { createFeedbackService, type FeedbackService } from './service.ts';
import { createFeedbackStore, type FeedbackLimits, type FeedbackStore } from './store.ts';

export interface BotFeedbackParts {
  redis: Redis;
  prefix: string;
  states: Pick<ActionStateStore, 'load'>;
  webClient: Pick<WebClient, 'views'>;
  poster: Pick<SlackPoster, 'postThreadReply'>;
  policy: Policy;
  principal?: PrincipalLookup;
  logger?: Logger;
  log?: (message: string, error?: unknown) => void;
  limits?: Partial<FeedbackLimits>;
}

export function createBotFeedbackStore(redis: Redis, prefix: string, limits?: Partial<FeedbackLimits>): FeedbackStore {
  return createFeedbackStore(redis, { prefix, ...(limits === undefined ? {} : { limits }) });
}

export function createBotFeedback(parts: BotFeedbackParts): FeedbackService {
  const outboxStore = createOutboxStore(parts.redis, { prefix: parts.prefix });
  return createFeedbackService({
    states: parts.states,
    store: createBotFeedbackStore(parts.redis, parts.prefix, parts.limits),
    messageTsOf: (key) => outboxStore.ts(key),
    openView: async (triggerId, view) => {
      await parts.webClient.views.open({ trigger_id: triggerId, view });
    },
    postThreadReply: (key, target, message) => parts.poster.postThreadReply(key, target, message),
    audit: createFeedbackAudit(parts.redis, parts.logger ?? jsonLogger, { prefix: parts.prefix }),
    policy: parts.policy,
    ...(parts.principal === undefined ? {} : { principal: parts.principal }),
    ...(parts.log === undefined ? {} : { log: parts.log }),
  });
}
