// Storm mode: when many incidents open in one channel at once, the channel first gets one storm digest
// (src/incidents/storm-digest.ts) grouping every workload by its diagnosed cause, and each incident's own
// parent is posted once its diagnosis is known. This module is the storm's state in Redis: which channel
// is in a storm, its members and what each one is known to be. Every read-modify-write is one Lua script
// and every key of a channel shares one hash tag, so concurrent webhooks and workers agree on exactly one
// storm (and so one digest) per burst, on a single Redis or a Cluster.
import type { Redis } from 'ioredis';
import { incidentId, type IncidentKey } from '../queue/types.ts';

/** A storm begins when this many incidents open in one channel within STORM_WINDOW_MS. */
export const STORM_THRESHOLD = 5;
export const STORM_WINDOW_MS = 60_000;
/** A storm ends after this long without a new incident in its channel; the next burst is a new storm. */
export const STORM_QUIET_MS = 10 * 60_000;

/** What the digest knows about one member: diagnosing, diagnosed (cause), resolved, or not diagnosable. */
export type StormMemberState = { kind: 'diagnosing' } | { kind: 'diagnosed'; cause: string } | { kind: 'resolved'; cause?: string } | { kind: 'failed'; reason: string };

export interface StormMember {
  id: string;
  key: IncidentKey;
  state: StormMemberState;
}

export interface StormSnapshot {
  channel: string;
  stormId: string;
  /** Epoch ms the storm was declared. */
  startedAt: number;
  /** Bumped on every change; the digest is written with it, so an older render never overwrites a newer. */
  version: number;
  members: StormMember[];
}

export interface StormJoin {
  stormId: string;
  /** True for the incident whose opening declared the storm (the digest is created then). */
  started: boolean;
}

export interface StormTrackerOptions {
  prefix?: string;
  threshold?: number;
  windowMs?: number;
  quietMs?: number;
  /** Seconds a storm's members and digest state are kept. Default 1 day. */
  ttlSeconds?: number;
}

// KEYS: none (every key is built from ARGV[1], the channel's tagged base, so all share one slot).
// Opens: a sorted set of incident ids by open time, trimmed to the window. A storm is declared when the
// window holds `threshold` incidents; its members are then everything in the window, and every incident
// opened while it is active joins it.
const OPENED = `
local base, now, window, threshold, quiet, id, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7])
local opens, active, of = base .. ':opens', base .. ':active', base .. ':of'
redis.call('ZADD', opens, now, id)
redis.call('ZREMRANGEBYSCORE', opens, '-inf', now - window)
redis.call('PEXPIRE', opens, window * 2)
local storm = redis.call('GET', active)
local started = 0
local joining
if not storm then
  if redis.call('ZCARD', opens) < threshold then return {} end
  storm = tostring(now)
  started = 1
  joining = redis.call('ZRANGE', opens, 0, -1)
  redis.call('HSET', base .. ':s:' .. storm, 'startedAt', now, 'v', 0)
else
  joining = { id }
end
redis.call('SET', active, storm, 'PX', quiet)
local members = base .. ':s:' .. storm .. ':m'
for _, m in ipairs(joining) do
  if redis.call('HEXISTS', of, m) == 0 then
    redis.call('HSETNX', members, m, 'd')
    redis.call('HSET', of, m, storm)
  end
end
redis.call('HINCRBY', base .. ':s:' .. storm, 'v', 1)
redis.call('EXPIRE', members, ttl)
redis.call('EXPIRE', base .. ':s:' .. storm, ttl)
redis.call('EXPIRE', of, ttl)
return { storm, started, redis.call('HGET', of, id) or '' }
`;

// Sets a member's state (ARGV[3]) when it belongs to a storm; returns the storm id or ''.
const SET_STATE = `
local base, id, state = ARGV[1], ARGV[2], ARGV[3]
local storm = redis.call('HGET', base .. ':of', id)
if not storm then return '' end
local members = base .. ':s:' .. storm .. ':m'
if redis.call('HGET', members, id) == state then return storm end
redis.call('HSET', members, id, state)
redis.call('HINCRBY', base .. ':s:' .. storm, 'v', 1)
return storm
`;

function parseState(raw: string): StormMemberState {
  if (raw.startsWith('c\t')) return { kind: 'diagnosed', cause: raw.slice(2) };
  if (raw.startsWith('r\t')) return raw.length > 2 ? { kind: 'resolved', cause: raw.slice(2) } : { kind: 'resolved' };
  if (raw.startsWith('f\t')) return { kind: 'failed', reason: raw.slice(2) };
  return { kind: 'diagnosing' };
}

function keyOf(id: string): IncidentKey | undefined {
  // incidentId: cluster/namespace/Kind/name; cluster and namespace contain no '/'.
  const [cluster, namespace, ...rest] = id.split('/');
  if (cluster === undefined || namespace === undefined || rest.length === 0) return undefined;
  return { cluster, namespace, workload: rest.join('/') };
}

export type StormTracker = ReturnType<typeof createStormTracker>;

export function createStormTracker(redis: Redis, options: StormTrackerOptions = {}) {
  const prefix = options.prefix ?? 'crashloop';
  const threshold = options.threshold ?? STORM_THRESHOLD;
  const windowMs = options.windowMs ?? STORM_WINDOW_MS;
  const quietMs = options.quietMs ?? STORM_QUIET_MS;
  const ttl = options.ttlSeconds ?? 24 * 3600;
  // One hash tag per channel: every key of a channel's storms lives in one Cluster slot.
  const base = (channel: string): string => `${prefix}:{storm:${channel}}`;

  async function setState(channel: string, key: IncidentKey, state: string): Promise<string | undefined> {
    const storm = String(await redis.eval(SET_STATE, 0, base(channel), incidentId(key), state));
    return storm === '' ? undefined : storm;
  }

  return {
    threshold,
    windowMs,
    /** Records a newly opened incident; says which storm it belongs to, if its channel is in one. */
    async opened(channel: string, key: IncidentKey, now: Date): Promise<StormJoin | undefined> {
      const reply = (await redis.eval(OPENED, 0, base(channel), now.getTime(), windowMs, threshold, quietMs, incidentId(key), ttl)) as string[];
      if (reply.length === 0) return undefined;
      const [, started, own] = reply;
      // An incident that already belonged to an earlier storm (it re-opened) keeps that membership.
      if (own === undefined || own === '') return undefined;
      return { stormId: String(own), started: Number(started) === 1 && String(own) === String(reply[0]) };
    },
    /** The diagnosis landed: returns the member's storm, if any. */
    diagnosed(channel: string, key: IncidentKey, cause: string): Promise<string | undefined> {
      return setState(channel, key, `c\t${cause}`);
    },
    resolved(channel: string, key: IncidentKey, cause: string | undefined): Promise<string | undefined> {
      return setState(channel, key, `r\t${cause ?? ''}`);
    },
    failed(channel: string, key: IncidentKey, reason: string): Promise<string | undefined> {
      return setState(channel, key, `f\t${reason}`);
    },
    /** The storm an incident belongs to, if any. */
    async stormOf(channel: string, key: IncidentKey): Promise<string | undefined> {
      return (await redis.hget(`${base(channel)}:of`, incidentId(key))) ?? undefined;
    },
    async snapshot(channel: string, stormId: string): Promise<StormSnapshot | undefined> {
      const [meta, raw] = await Promise.all([redis.hgetall(`${base(channel)}:s:${stormId}`), redis.hgetall(`${base(channel)}:s:${stormId}:m`)]);
      if (meta.startedAt === undefined) return undefined;
      const members: StormMember[] = [];
      for (const [id, state] of Object.entries(raw)) {
        const key = keyOf(id);
        if (key !== undefined) members.push({ id, key, state: parseState(state) });
      }
      members.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return { channel, stormId, startedAt: Number(meta.startedAt), version: Number(meta.v ?? 0), members };
    },
  };
}
