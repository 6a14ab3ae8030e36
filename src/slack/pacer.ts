// Paces posts per channel (Slack allows about one message per second per channel). The slot is reserved
// atomically in Redis, so every process of a deployment (web and per-cluster workers) shares the pace.
import type { Redis } from 'ioredis';

const RESERVE = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nextFree)
redis.call('SET', KEYS[1], tostring(slot + interval), 'PX', (slot - now) + interval * 2)
return slot - now
`;

// Slack answered 429: nothing goes to the channel before now + ms (never shortens a longer hold).
const HOLD = `
local heldUntil = tonumber(ARGV[1]) + tonumber(ARGV[2])
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
if heldUntil > nextFree then redis.call('SET', KEYS[1], tostring(heldUntil), 'PX', tonumber(ARGV[2]) * 2 + 1000) end
return 0
`;

export interface Pacer {
  /** Resolves when a message may be posted to `channel`. */
  wait(channel: string, signal?: AbortSignal): Promise<number>;
  /** Keeps the channel quiet for `ms` (Slack's Retry-After); optional for pacers that cannot. */
  hold?(channel: string, ms: number): Promise<void>;
}

export interface RedisPacerOptions {
  prefix?: string;
  intervalMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class RedisPacer implements Pacer {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(redis: Redis, options: RedisPacerOptions = {}) {
    this.redis = redis;
    this.prefix = options.prefix ?? 'crashloop';
    this.intervalMs = options.intervalMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleep;
  }

  async hold(channel: string, ms: number): Promise<void> {
    await this.redis.eval(HOLD, 1, `${this.prefix}:pace:${channel}`, String(this.now()), String(Math.max(0, Math.round(ms))));
  }

  /** Reserves the channel's next slot and waits for it; returns the delay in ms. */
  async wait(channel: string, signal?: AbortSignal): Promise<number> {
    const delay = Number(await this.redis.eval(RESERVE, 1, `${this.prefix}:pace:${channel}`, String(this.now()), String(this.intervalMs)));
    await this.sleep(delay, signal);
    return delay;
  }
}
