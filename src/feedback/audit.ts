// Every "Wrong diagnosis?" attempt (stored, duplicate, denied, expired, failed) is recorded like a
// report action's: a JSON log line and an entry in the Redis stream `<prefix>:audit`. A stored label
// also gets a line in the report's thread (posted by src/feedback/service.ts).
import type { Redis } from 'ioredis';
import type { Logger } from '../actions/audit.ts';
import { FEEDBACK_ACTION_ID, FEEDBACK_CLASS } from './types.ts';

export interface FeedbackAuditEntry {
  at: string;
  user: string;
  /** open: the button (modal shown or refused); submit: the modal's Save. */
  step: 'open' | 'submit';
  outcome: 'done' | 'denied' | 'duplicate' | 'expired' | 'failed';
  message: string;
  stateId: string;
  channel: string;
  cluster?: string;
  namespace?: string;
  pod?: string;
  expected?: string;
  engine?: string;
}

export type FeedbackAudit = (entry: FeedbackAuditEntry) => Promise<void>;

export function createFeedbackAudit(redis: Redis, logger: Logger, options: { prefix?: string; maxLen?: number } = {}): FeedbackAudit {
  const stream = `${options.prefix ?? 'crashloop'}:audit`;
  const maxLen = options.maxLen ?? 100_000;
  return async (entry) => {
    const audit = { actionId: FEEDBACK_ACTION_ID, actionClass: FEEDBACK_CLASS, ...entry };
    logger.info({ msg: 'feedback audit', audit });
    const fields: string[] = [];
    for (const [k, v] of Object.entries(audit)) if (v !== undefined) fields.push(k, String(v));
    await redis.xadd(stream, 'MAXLEN', '~', String(maxLen), '*', ...fields);
  };
}
