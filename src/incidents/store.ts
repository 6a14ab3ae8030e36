// Incident state in Redis: one hash per (cluster, namespace, workload), the set of its firing alert
// fingerprints, and the "parent message being created" claim. Every key carries a TTL refreshed by
// each alert, so state survives restarts and ends on its own. Read-modify-write steps are Lua
// scripts, so concurrent webhooks never lose an update.
import type { Redis } from 'ioredis';
import { incidentId, type IncidentKey } from '../queue/types.ts';
import { z } from 'zod';
import { parseDiagnosisSummary, type DiagnosisSummary } from './summary.ts';

export interface Incident {
  key: IncidentKey;
  channel: string;
  status: 'firing' | 'resolved';
  /** ISO time of the first alert's startsAt. */
  openedAt: string;
  resolvedAt?: string;
  /** Slack ts of the parent message, once posted. */
  parentTs?: string;
  /** Bumped on every material change (new container, higher restart band, firing again). */
  generation: number;
  containers: string[];
  alertnames: string[];
  restartBand: number;
  /** The last diagnosed primary cause, as noted by the worker. */
  lastCause?: string;
  /** What the parent message shows about the latest diagnosis. */
  diagnosis?: DiagnosisSummary;
  /** The latest action taken from the parent's buttons, already rendered (mrkdwn, escaped). */
  note?: string;
  /** The latest action taken from the parent's buttons: who, what, and how it ended (raw, escaped when rendered). */
  action?: IncidentAction;
  /** "@bob is on it": the Slack user who acknowledged, and when (ISO). */
  acknowledged?: { by: string; at: string };
  /** No new posts for the incident until `until` (ISO), or until it resolves ('resolved'); the parent still updates. */
  muted?: { by: string; until: string };
  /** Thread replies left out by the noise budget since the incident opened. */
  folded: number;
  /** Times a re-diagnosis found nothing new (the parent says "still crash-looping"). */
  unchanged: number;
}

export interface IncidentAction {
  /** Slack user id of the clicker (from the signed payload). */
  by: string;
  /** "rolled back to revision 6", "put deployment/api to sleep for debugging". */
  what: string;
  /** How it ended, once known: "rollout 3/3 ready". */
  after?: string;
  at: string;
}

const actionSchema = z.object({ by: z.string().regex(/^[UW][A-Z0-9]{2,20}$/), what: z.string().max(300), after: z.string().max(200).optional(), at: z.string().max(40) }).strict();

function parseAction(raw: string | undefined): IncidentAction | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = actionSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) return undefined;
    const { after, ...rest } = parsed.data;
    return after === undefined ? rest : { ...rest, after };
  } catch {
    return undefined;
  }
}

const SLACK_USER = /^[UW][A-Z0-9]{2,20}$/;

export type IncidentChange =
  | { kind: 'refired' }
  | { kind: 'container'; container: string }
  | { kind: 'restart-band'; band: number };

export interface FiringFacts {
  channel: string;
  fingerprint: string;
  startsAt: string;
  container?: string;
  alertname: string;
  restartBand: number;
}

export interface FiringResult {
  created: boolean;
  generation: number;
  channel: string;
  parentTs?: string;
  /** Empty for a new incident: its parent message says everything. */
  changes: IncidentChange[];
}

export type ResolveOutcome =
  | { kind: 'unknown' }
  | { kind: 'still-firing'; remaining: number }
  | { kind: 'already-resolved' }
  | { kind: 'resolved'; incident: Incident };

export interface IncidentStoreOptions {
  /** Key prefix, e.g. the deployment's redisPrefix. Default "crashloop". */
  prefix?: string;
  /** Seconds an incident is kept after its last alert. Default 7 days. */
  ttlSeconds?: number;
}

const RECORD_FIRING = `
local h, firing = KEYS[1], KEYS[2]
local ttl, now, channel, fp, container, band, alertname, startsAt = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7], ARGV[8]
local created = 0
if redis.call('EXISTS', h) == 0 then
  redis.call('HSET', h, 'cluster', ARGV[9], 'namespace', ARGV[10], 'workload', ARGV[11], 'channel', channel,
    'status', 'firing', 'openedAt', startsAt, 'generation', 0, 'containers', '', 'alertnames', '', 'band', 0)
  created = 1
end
local changes = {}
if redis.call('HGET', h, 'status') == 'resolved' then
  redis.call('HSET', h, 'status', 'firing', 'openedAt', startsAt)
  redis.call('HDEL', h, 'resolvedAt')
  table.insert(changes, 'refired')
end
local function addTo(field, value)
  if value == '' then return false end
  local list = redis.call('HGET', h, field) or ''
  for item in string.gmatch(list, '[^\\n]+') do
    if item == value then return false end
  end
  if list == '' then list = value else list = list .. '\\n' .. value end
  redis.call('HSET', h, field, list)
  return true
end
if addTo('containers', container) and created == 0 then table.insert(changes, 'container:' .. container) end
addTo('alertnames', alertname)
local oldBand = tonumber(redis.call('HGET', h, 'band') or '0')
if band > oldBand then
  redis.call('HSET', h, 'band', band)
  if created == 0 then table.insert(changes, 'band:' .. band) end
end
if #changes > 0 then redis.call('HINCRBY', h, 'generation', 1) end
redis.call('SADD', firing, fp)
redis.call('EXPIRE', h, ttl)
redis.call('EXPIRE', firing, ttl)
return { created, redis.call('HGET', h, 'generation'), redis.call('HGET', h, 'channel'), redis.call('HGET', h, 'parentTs') or '', unpack(changes) }
`;

const RESOLVE = `
local h, firing = KEYS[1], KEYS[2]
if redis.call('EXISTS', h) == 0 then return { 'unknown' } end
redis.call('SREM', firing, ARGV[1])
local remaining = redis.call('SCARD', firing)
if redis.call('HGET', h, 'status') == 'resolved' then return { 'already-resolved' } end
if remaining > 0 then return { 'still-firing', remaining } end
redis.call('HSET', h, 'status', 'resolved', 'resolvedAt', ARGV[2])
if redis.call('HGET', h, 'mutedUntil') == 'resolved' then redis.call('HDEL', h, 'mutedUntil', 'mutedBy') end
redis.call('EXPIRE', h, ARGV[3])
return { 'resolved' }
`;

const RELEASE_CLAIM = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

// Records a diagnosis; returns 1 when it says something new (first diagnosis, or another signature).
const SET_DIAGNOSIS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local news = 1
if redis.call('HGET', KEYS[1], 'signature') == ARGV[2] then news = 0 end
redis.call('HSET', KEYS[1], 'diagnosis', ARGV[1], 'signature', ARGV[2], 'lastCause', ARGV[3])
if news == 0 then redis.call('HINCRBY', KEYS[1], 'unchanged', 1) else redis.call('HSET', KEYS[1], 'unchanged', 0) end
return news
`;

// The noise budget: at most ARGV[2] thread replies per incident per window; the rest are folded.
// A muted incident (mutedUntil: epoch ms still ahead, or 'resolved' while firing) gets none: all folded.
const TAKE_REPLIES = `
local want = tonumber(ARGV[1])
local mutedUntil = redis.call('HGET', KEYS[1], 'mutedUntil')
if mutedUntil and ((mutedUntil == 'resolved' and redis.call('HGET', KEYS[1], 'status') ~= 'resolved') or (tonumber(mutedUntil) and tonumber(mutedUntil) > tonumber(ARGV[4]))) then
  if want > 0 then redis.call('HINCRBY', KEYS[1], 'folded', want) end
  return 0
end
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
local allowed = math.max(0, math.min(want, tonumber(ARGV[2]) - used))
if allowed > 0 then redis.call('INCRBY', KEYS[2], allowed) end
if redis.call('TTL', KEYS[2]) < 0 then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
if want > allowed and redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HINCRBY', KEYS[1], 'folded', want - allowed) end
return allowed
`;

// Sets fields on an incident that exists (a click on a long-gone incident must not recreate a stub).
const SET_IF_EXISTS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;

const NOTE_CAUSE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'lastCause') == ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'lastCause', ARGV[1])
return 1
`;

function parseChange(raw: string): IncidentChange | undefined {
  if (raw === 'refired') return { kind: 'refired' };
  if (raw.startsWith('container:')) return { kind: 'container', container: raw.slice('container:'.length) };
  if (raw.startsWith('band:')) return { kind: 'restart-band', band: Number(raw.slice('band:'.length)) };
  return undefined;
}

function lines(value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : value.split('\n');
}

export type IncidentStore = ReturnType<typeof createIncidentStore>;

export function createIncidentStore(redis: Redis, options: IncidentStoreOptions = {}) {
  const prefix = options.prefix ?? 'crashloop';
  const ttl = options.ttlSeconds ?? 7 * 24 * 3600;
  const hashKey = (key: IncidentKey): string => `${prefix}:incident:${incidentId(key)}`;
  const firingKey = (key: IncidentKey): string => `${hashKey(key)}:firing`;
  const claimKey = (key: IncidentKey): string => `${hashKey(key)}:parent`;
  const countersKey = `${prefix}:alertmanager:counters`;

  async function get(key: IncidentKey): Promise<Incident | undefined> {
    const h = await redis.hgetall(hashKey(key));
    if (h.status === undefined) return undefined;
    const incident: Incident = {
      key: { cluster: h.cluster ?? key.cluster, namespace: h.namespace ?? key.namespace, workload: h.workload ?? key.workload },
      channel: h.channel ?? '',
      status: h.status === 'resolved' ? 'resolved' : 'firing',
      openedAt: h.openedAt ?? '',
      generation: Number(h.generation ?? 0),
      containers: lines(h.containers),
      alertnames: lines(h.alertnames),
      restartBand: Number(h.band ?? 0),
      folded: Number(h.folded ?? 0),
      unchanged: Number(h.unchanged ?? 0),
    };
    if (h.resolvedAt !== undefined) incident.resolvedAt = h.resolvedAt;
    if (h.parentTs !== undefined) incident.parentTs = h.parentTs;
    if (h.lastCause !== undefined) incident.lastCause = h.lastCause;
    const diagnosis = h.diagnosis === undefined ? undefined : parseDiagnosisSummary(h.diagnosis);
    if (diagnosis !== undefined) incident.diagnosis = diagnosis;
    if (h.note !== undefined && h.note !== '') incident.note = h.note;
    const action = parseAction(h.action);
    if (action !== undefined) incident.action = action;
    if (h.ackBy !== undefined && SLACK_USER.test(h.ackBy)) incident.acknowledged = { by: h.ackBy, at: h.ackAt ?? '' };
    if (h.mutedUntil !== undefined && h.mutedBy !== undefined && SLACK_USER.test(h.mutedBy)) {
      const until = h.mutedUntil === 'resolved' ? 'resolved' : Number.isFinite(Number(h.mutedUntil)) ? new Date(Number(h.mutedUntil)).toISOString() : undefined;
      if (until !== undefined) incident.muted = { by: h.mutedBy, until };
    }
    return incident;
  }

  return {
    get,

    /** Records one firing alert: opens the incident, or reports what changed since the last alert. */
    async recordFiring(key: IncidentKey, facts: FiringFacts, now: Date): Promise<FiringResult> {
      const reply = (await redis.eval(
        RECORD_FIRING, 2, hashKey(key), firingKey(key),
        ttl, now.toISOString(), facts.channel, facts.fingerprint, facts.container ?? '', facts.restartBand,
        facts.alertname, facts.startsAt, key.cluster, key.namespace, key.workload,
      )) as (string | number)[];
      const [created, generation, channel, parentTs, ...rawChanges] = reply;
      const result: FiringResult = {
        created: Number(created) === 1,
        generation: Number(generation),
        channel: String(channel),
        changes: rawChanges.map((c) => parseChange(String(c))).filter((c): c is IncidentChange => c !== undefined),
      };
      if (parentTs !== undefined && parentTs !== '') result.parentTs = String(parentTs);
      return result;
    },

    /** Records one resolved alert; the incident resolves when its last firing alert does. */
    async recordResolved(key: IncidentKey, fingerprint: string, resolvedAt: Date): Promise<ResolveOutcome> {
      const reply = (await redis.eval(RESOLVE, 2, hashKey(key), firingKey(key), fingerprint, resolvedAt.toISOString(), ttl)) as (string | number)[];
      const kind = String(reply[0]);
      if (kind === 'unknown') return { kind: 'unknown' };
      if (kind === 'already-resolved') return { kind: 'already-resolved' };
      if (kind === 'still-firing') return { kind: 'still-firing', remaining: Number(reply[1]) };
      const incident = await get(key);
      return incident === undefined ? { kind: 'unknown' } : { kind: 'resolved', incident };
    },

    /** Atomic claim on creating the parent message: exactly one caller gets true. */
    async claimParent(key: IncidentKey, token: string): Promise<boolean> {
      return (await redis.set(claimKey(key), token, 'EX', ttl, 'NX')) === 'OK';
    },

    /** Gives the claim back (the post failed), so a later alert or the worker can try again. */
    async releaseParentClaim(key: IncidentKey, token: string): Promise<void> {
      await redis.eval(RELEASE_CLAIM, 1, claimKey(key), token);
    },

    async setParentTs(key: IncidentKey, ts: string): Promise<void> {
      await redis.multi().hset(hashKey(key), 'parentTs', ts).expire(hashKey(key), ttl).expire(claimKey(key), ttl).exec();
    },

    /** For the worker: true when `cause` differs from the last diagnosed one (and records it). */
    async noteCause(key: IncidentKey, cause: string): Promise<boolean> {
      return Number(await redis.eval(NOTE_CAUSE, 1, hashKey(key), cause)) === 1;
    },

    /** Stores the latest diagnosis; `news` is false when it repeats the previous one (same signature). */
    async setDiagnosis(key: IncidentKey, summary: DiagnosisSummary, signature: string): Promise<{ known: boolean; news: boolean }> {
      const r = Number(await redis.eval(SET_DIAGNOSIS, 1, hashKey(key), JSON.stringify(summary), signature, summary.cause));
      return { known: r !== -1, news: r === 1 };
    },

    /** Takes up to `want` thread replies from the incident's hourly budget; returns how many it may post. */
    async takeReplies(key: IncidentKey, want: number, now: Date, perHour = 10): Promise<number> {
      const hour = Math.floor(now.getTime() / 3_600_000);
      return Number(await redis.eval(TAKE_REPLIES, 2, hashKey(key), `${hashKey(key)}:replies:${hour}`, want, perHour, 3600, now.getTime()));
    },

    /** Records the latest action taken from the parent (shown on it until the next one). */
    async setNote(key: IncidentKey, note: string): Promise<void> {
      await redis.hset(hashKey(key), 'note', note);
    },

    /** Records the latest action taken from the parent's buttons (the parent shows it until the next one). */
    async setAction(key: IncidentKey, action: IncidentAction): Promise<boolean> {
      return (await redis.eval(SET_IF_EXISTS, 1, hashKey(key), 'action', JSON.stringify(action))) === 1;
    },

    /** "@bob is on it"; false when the incident is unknown. */
    async acknowledge(key: IncidentKey, by: string, at: Date): Promise<boolean> {
      return (await redis.eval(SET_IF_EXISTS, 1, hashKey(key), 'ackBy', by, 'ackAt', at.toISOString())) === 1;
    },

    /** No new posts until `until` (or until the incident resolves); false when the incident is unknown. */
    async mute(key: IncidentKey, by: string, until: Date | 'resolved'): Promise<boolean> {
      return (await redis.eval(SET_IF_EXISTS, 1, hashKey(key), 'mutedBy', by, 'mutedUntil', until === 'resolved' ? 'resolved' : String(until.getTime()))) === 1;
    },

    async unmute(key: IncidentKey): Promise<void> {
      await redis.hdel(hashKey(key), 'mutedBy', 'mutedUntil');
    },

    /** True while the incident is muted (the writers of thread posts and files ask before posting). */
    async isMuted(key: IncidentKey, now: Date): Promise<boolean> {
      const [until, status] = await redis.hmget(hashKey(key), 'mutedUntil', 'status');
      if (until === null) return false;
      return until === 'resolved' ? status !== 'resolved' : Number(until) > now.getTime();
    },

    /** Adds to the webhook counters and returns the totals. */
    async bumpCounters(delta: Record<string, number>): Promise<Record<string, number>> {
      const multi = redis.multi();
      for (const [field, by] of Object.entries(delta)) multi.hincrby(countersKey, field, by);
      await multi.exec();
      const all = await redis.hgetall(countersKey);
      return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, Number(v)]));
    },

    keys: { hashKey, firingKey, claimKey, countersKey },
  };
}
