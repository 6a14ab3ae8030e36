// One execution per key: SET NX claims it, the outcome is stored under it so a double click, a Slack
// retry or a job retry answers "already done" instead of acting twice.
import type { Redis } from 'ioredis';

export type Claim = { claimed: true } | { claimed: false; previous: string | null };

const PENDING = '__pending__';

export interface IdempotencyStore {
  claim(key: string, ttlMs: number): Promise<Claim>;
  /** Records the outcome for duplicates to quote. */
  complete(key: string, summary: string, ttlMs: number): Promise<void>;
  /** Frees the key after a failure that changed nothing, so the user can retry. */
  release(key: string): Promise<void>;
  /** The recorded outcome, 'pending' while running, null when free. */
  peek(key: string): Promise<string | null>;
}

export function createIdempotencyStore(redis: Redis, prefix = 'crashloop'): IdempotencyStore {
  const full = (key: string): string => `${prefix}:idem:${key}`;
  return {
    async claim(key, ttlMs) {
      const ok = await redis.set(full(key), PENDING, 'PX', ttlMs, 'NX');
      if (ok === 'OK') return { claimed: true };
      const previous = await redis.get(full(key));
      return { claimed: false, previous: previous === PENDING ? null : previous };
    },
    async complete(key, summary, ttlMs) {
      await redis.set(full(key), summary, 'PX', ttlMs);
    },
    async release(key) {
      await redis.del(full(key));
    },
    async peek(key) {
      const value = await redis.get(full(key));
      return value === PENDING ? 'pending' : value;
    },
  };
}
