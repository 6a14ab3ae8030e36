// Every attempt, allowed or denied, is recorded three ways: a JSON log line, an entry in the Redis
// stream `<prefix>:audit` and (by the executor) a message in the report's thread.
import type { Redis } from 'ioredis';
import type { ActionClass, ActionId, ActionOutcome } from './types.ts';

export interface AuditEntry {
  at: string;
  actionId: ActionId;
  actionClass: ActionClass;
  user: string;
  cluster?: string;
  namespace?: string;
  target?: string;
  incident?: string;
  channel: string;
  threadTs: string;
  stateId: string;
  outcome: ActionOutcome['status'];
  message: string;
  dryRun: boolean;
}

export interface Logger {
  info(line: Record<string, unknown>): void;
  warn(line: Record<string, unknown>): void;
}

/** One JSON object per line on stdout/stderr. */
export const jsonLogger: Logger = {
  info: (line) => process.stdout.write(`${JSON.stringify({ level: 'info', ...line })}\n`),
  warn: (line) => process.stderr.write(`${JSON.stringify({ level: 'warn', ...line })}\n`),
};

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

export function createAuditLog(redis: Redis, logger: Logger, options: { prefix?: string; maxLen?: number } = {}): AuditLog {
  const stream = `${options.prefix ?? 'crashloop'}:audit`;
  const maxLen = options.maxLen ?? 100_000;
  return {
    async record(entry) {
      logger.info({ msg: 'action audit', audit: entry });
      const fields: string[] = [];
      for (const [k, v] of Object.entries(entry)) if (v !== undefined) fields.push(k, String(v));
      await redis.xadd(stream, 'MAXLEN', '~', String(maxLen), '*', ...fields);
    },
  };
}
