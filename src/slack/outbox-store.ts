// The outbox's documents in Redis: one hash per logical Slack message (its key, e.g.
// "incident:<id>:parent"), holding the content we want Slack to show (versioned) and what Slack shows
// now (ts, posted version). Posting is keyed by the document, so a retry or a racing writer can never
// create a second message; an edit is only queued when the posted version is behind.
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** Where a message goes: a channel, optionally the thread of another outbox message or of a known ts. */
export interface OutboxTarget {
  channel: string;
  threadKey?: string;
  threadTs?: string;
  /** A slash command's response_url: told (ephemerally) when Slack refuses the message for good. */
  responseUrl?: string;
}

export interface OutboxContent {
  text: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

const contentSchema = z.object({
  text: z.string(),
  blocks: z.array(z.unknown()).optional(),
  metadata: z.object({ event_type: z.string(), event_payload: z.record(z.string(), z.unknown()) }).optional(),
});

export interface OutboxDoc {
  channel: string;
  threadKey?: string;
  threadTs?: string;
  content: OutboxContent;
  version: number;
  responseUrl?: string;
  /** Set once Slack accepted the post. */
  ts?: string;
  postedVersion: number;
}

/**
 * 'post': no message yet (queue the post); 'promote': no message yet and its post waits with a delay
 * (send it now); 'edit': posted and behind (queue one edit); 'none': covered.
 */
export type PutOutcome = 'post' | 'promote' | 'edit' | 'none';

// An edit already queued (editQueued holds the time it was queued) covers a newer version, because the
// edit job clears the flag before it reads the content. A flag older than staleMs is assumed lost (a
// crash between this script and the queue add) and a new edit is queued.
//
// seq (ARGV[9], optional): a writer's own version of the content (e.g. a storm digest's state version);
// a put whose seq is not above the stored one changes nothing, so an older render never wins a race.
// deferred (ARGV[10] = '1'): the post is queued with a delay (a storm parent waiting for its diagnosis);
// the next put that is not deferred returns 'promote' so the waiting post is sent now.
const PUT = `
local doc = KEYS[1]
local now, staleMs, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if ARGV[9] ~= '' then
  local seq = tonumber(redis.call('HGET', doc, 'seq') or '-1')
  if tonumber(ARGV[9]) <= seq then return 'none' end
end
if redis.call('EXISTS', doc) == 0 then
  redis.call('HSET', doc, 'channel', ARGV[4], 'threadKey', ARGV[5], 'threadTs', ARGV[6], 'postedVersion', 0, 'responseUrl', ARGV[8])
end
if ARGV[9] ~= '' then redis.call('HSET', doc, 'seq', ARGV[9]) end
local v = redis.call('HINCRBY', doc, 'version', 1)
redis.call('HSET', doc, 'content', ARGV[7])
redis.call('EXPIRE', doc, ttl)
if redis.call('HEXISTS', doc, 'ts') == 0 then
  if ARGV[10] == '1' then
    if redis.call('HSETNX', doc, 'deferred', 1) == 1 and v == 1 then return 'post' end
    return 'none'
  end
  if redis.call('HDEL', doc, 'deferred') == 1 then return 'promote' end
  return 'post'
end
local queued = tonumber(redis.call('HGET', doc, 'editQueued') or '0')
if queued > 0 and now - queued < staleMs then return 'none' end
redis.call('HSET', doc, 'editQueued', now)
return 'edit'
`;

/** Records the post; returns 1 when the content moved on meanwhile (an edit must follow). */
const POSTED = `
if redis.call('HEXISTS', KEYS[1], 'ts') == 1 then return -1 end
redis.call('HSET', KEYS[1], 'ts', ARGV[1], 'postedVersion', ARGV[2])
if tonumber(redis.call('HGET', KEYS[1], 'version')) > tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'editQueued', ARGV[3])
  return 1
end
return 0
`;

const EDITED = `
local current = tonumber(redis.call('HGET', KEYS[1], 'postedVersion') or '0')
if tonumber(ARGV[1]) > current then redis.call('HSET', KEYS[1], 'postedVersion', ARGV[1]) end
return 0
`;

export interface OutboxStoreOptions {
  prefix?: string;
  ttlSeconds?: number;
  staleEditMs?: number;
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;

export function createOutboxStore(redis: Redis, options: OutboxStoreOptions = {}) {
  const prefix = options.prefix ?? 'crashloop';
  const ttl = options.ttlSeconds ?? 8 * 24 * 3600;
  const staleMs = options.staleEditMs ?? 60_000;
  const docKey = (key: string): string => `${prefix}:outbox:doc:${key}`;

  async function get(key: string): Promise<OutboxDoc | undefined> {
    const h = await redis.hgetall(docKey(key));
    if (h.channel === undefined || h.content === undefined) return undefined;
    // Redis is a trust boundary: a document that does not parse is treated as absent.
    const parsed = contentSchema.safeParse(safeJson(h.content));
    if (!parsed.success) return undefined;
    const doc: OutboxDoc = { channel: h.channel, content: parsed.data as OutboxContent, version: Number(h.version ?? 0), postedVersion: Number(h.postedVersion ?? 0) };
    if (h.threadKey !== undefined && h.threadKey !== '') doc.threadKey = h.threadKey;
    if (h.threadTs !== undefined && h.threadTs !== '') doc.threadTs = h.threadTs;
    if (h.ts !== undefined) doc.ts = h.ts;
    if (h.responseUrl !== undefined && h.responseUrl !== '') doc.responseUrl = h.responseUrl;
    return doc;
  }

  return {
    get,
    docKey,
    async put(key: string, target: OutboxTarget, content: OutboxContent, now: number, options: { seq?: number; deferred?: boolean } = {}): Promise<PutOutcome> {
      const outcome = await redis.eval(PUT, 1, docKey(key), now, staleMs, ttl, target.channel, target.threadKey ?? '', target.threadTs ?? '', JSON.stringify(content), target.responseUrl ?? '', options.seq === undefined ? '' : String(options.seq), options.deferred === true ? '1' : '0');
      return outcome === 'post' || outcome === 'edit' || outcome === 'promote' ? outcome : 'none';
    },
    /** Returns 'edit' when newer content arrived while posting, 'duplicate' when another attempt had posted. */
    async markPosted(key: string, ts: string, version: number, now: number): Promise<'done' | 'edit' | 'duplicate'> {
      const r = Number(await redis.eval(POSTED, 1, docKey(key), ts, version, now));
      return r === 1 ? 'edit' : r === -1 ? 'duplicate' : 'done';
    },
    async clearEditFlag(key: string): Promise<void> {
      await redis.hdel(docKey(key), 'editQueued');
    },
    async markEdited(key: string, version: number): Promise<void> {
      await redis.eval(EDITED, 1, docKey(key), version);
    },
    /** Once-only markers (file uploads, notices): true for the first caller. */
    async once(marker: string, ttlSeconds: number): Promise<boolean> {
      return (await redis.set(`${prefix}:outbox:once:${marker}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
    },
    async forget(marker: string): Promise<void> {
      await redis.del(`${prefix}:outbox:once:${marker}`);
    },
    async ts(key: string): Promise<string | undefined> {
      return (await redis.hget(docKey(key), 'ts')) ?? undefined;
    },
    channelsKey: `${prefix}:outbox:channels`,
  };
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
