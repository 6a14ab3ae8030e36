// Redis side of the feedback loop, under the deployment's key prefix (hash-tagged `{crashloop}` on a
// Redis Cluster, so every key below lives in one slot):
//   <prefix>:feedback:snapshot:<id>  the report's redacted snapshot, kept while its buttons live (TTL)
//   <prefix>:feedback:snapshots      sorted set of those ids by time: caps how many are kept
//   <prefix>:feedback:item:<id>      a labelled snapshot, stored once per report (SET NX), TTL
//   <prefix>:feedback:items          sorted set of those ids by time: caps how many are kept, lists them
// Every entry is bounded in size (boundSnapshot) and count (the oldest go first), and expires.
import type { Redis } from 'ioredis';
import type { Report, Snapshot } from '../../diagnostics/types.ts';
import { ACTION_STATE_TTL_SECONDS } from '../slack/action-state.ts';
import { boundSnapshot, DEFAULT_MAX_SNAPSHOT_BYTES } from './bound.ts';
import { parseFeedbackItem, parseReportSnapshot, type EngineAnswer, type FeedbackItem, type ReportSnapshot } from './types.ts';

export interface FeedbackLimits {
  /** Largest stored snapshot (its JSON), bytes. Default 256 KiB. */
  maxSnapshotBytes: number;
  /** How long a report's snapshot is kept: as long as its buttons (24 h). */
  snapshotTtlSeconds: number;
  /** How many report snapshots are kept at most; the oldest go first. Default 500. */
  maxSnapshots: number;
  /** How long a labelled item is kept. Default 30 days. */
  itemTtlSeconds: number;
  /** How many labelled items are kept at most; the oldest go first. Default 200. */
  maxItems: number;
}

export const DEFAULT_FEEDBACK_LIMITS: FeedbackLimits = {
  maxSnapshotBytes: DEFAULT_MAX_SNAPSHOT_BYTES,
  snapshotTtlSeconds: ACTION_STATE_TTL_SECONDS,
  maxSnapshots: 500,
  itemTtlSeconds: 30 * 24 * 60 * 60,
  maxItems: 200,
};

export type SaveSnapshotResult = { saved: true; bytes: number; logCharsDropped: number } | { saved: false; reason: string };
export type RecordResult = { stored: true; item: FeedbackItem } | { stored: false; existing: FeedbackItem | undefined };

/** The engine's answer as the report shows it. */
export function engineAnswer(report: Report): EngineAnswer {
  const primary = report.findings[0];
  const answer: EngineAnswer = { cause: primary?.cause ?? 'none', container: primary?.container ?? '', alternatives: (report.alternatives ?? []).map((a) => a.cause).slice(0, 10) };
  if (primary !== undefined) answer.confidence = primary.confidence;
  return answer;
}

/** Container names of the pod (init containers first), as the spec lists them. */
export function containerNames(snapshot: Snapshot): string[] {
  const spec = snapshot.pod.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.name).filter((n) => typeof n === 'string' && n !== '').slice(0, 100);
}

export interface FeedbackStore {
  readonly limits: FeedbackLimits;
  /** Keeps the report's redacted, bounded snapshot under its id (the worker, when it posts the report). */
  saveSnapshot(id: string, cluster: string, snapshot: Snapshot, report: Report): Promise<SaveSnapshotResult>;
  /** The report's snapshot, or undefined when expired, evicted or not valid. */
  loadSnapshot(id: string): Promise<ReportSnapshot | undefined>;
  /** The label stored for a report, if any. */
  loadItem(id: string): Promise<FeedbackItem | undefined>;
  /** Stores the label once per report; a second label (double click, retry, someone else) is not stored. */
  record(item: FeedbackItem): Promise<RecordResult>;
  /** The stored items marked at or after `since`, oldest first. */
  list(since?: Date): Promise<FeedbackItem[]>;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function createFeedbackStore(redis: Redis, options: { prefix?: string; limits?: Partial<FeedbackLimits>; now?: () => Date } = {}): FeedbackStore {
  const prefix = options.prefix ?? 'crashloop';
  const limits: FeedbackLimits = { ...DEFAULT_FEEDBACK_LIMITS, ...options.limits };
  const now = options.now ?? (() => new Date());
  const snapshotKey = (id: string): string => `${prefix}:feedback:snapshot:${id}`;
  const itemKey = (id: string): string => `${prefix}:feedback:item:${id}`;
  const snapshotIndex = `${prefix}:feedback:snapshots`;
  const itemIndex = `${prefix}:feedback:items`;

  /** Forgets index entries past their TTL and evicts the oldest entries beyond `max`. */
  async function trim(index: string, keyOf: (id: string) => string, ttlSeconds: number, max: number, at: number): Promise<void> {
    await redis.zremrangebyscore(index, '-inf', `(${at - ttlSeconds * 1000}`);
    const count = await redis.zcard(index);
    if (count <= max) return;
    const popped = await redis.zpopmin(index, count - max);
    const ids = popped.filter((_, i) => i % 2 === 0);
    // One key per command: on a Cluster they share a slot anyway, and a plain DEL of many keys is fine too.
    for (const id of ids) await redis.del(keyOf(id));
  }

  return {
    limits,
    async saveSnapshot(id, cluster, snapshot, report) {
      if (!ID.test(id)) return { saved: false, reason: 'not a report id' };
      const bounded = boundSnapshot(snapshot, limits.maxSnapshotBytes);
      if (bounded === undefined) return { saved: false, reason: `larger than ${limits.maxSnapshotBytes} bytes even with its logs cut to 1 KiB` };
      const at = now();
      const record: ReportSnapshot = {
        v: 1,
        id,
        at: at.toISOString(),
        cluster,
        namespace: report.pod.namespace,
        pod: report.pod.name,
        containers: containerNames(snapshot),
        engine: engineAnswer(report),
        snapshot: bounded.snapshot,
      };
      const json = JSON.stringify(record);
      await redis.multi().set(snapshotKey(id), json, 'EX', limits.snapshotTtlSeconds).zadd(snapshotIndex, at.getTime(), id).exec();
      await trim(snapshotIndex, snapshotKey, limits.snapshotTtlSeconds, limits.maxSnapshots, at.getTime());
      return { saved: true, bytes: Buffer.byteLength(json, 'utf8'), logCharsDropped: bounded.logCharsDropped };
    },
    async loadSnapshot(id) {
      if (!ID.test(id)) return undefined;
      const raw = await redis.get(snapshotKey(id));
      if (raw === null) return undefined;
      const parsed = parseReportSnapshot(raw);
      return parsed?.id === id ? parsed : undefined;
    },
    async loadItem(id) {
      if (!ID.test(id)) return undefined;
      const raw = await redis.get(itemKey(id));
      const item = raw === null ? undefined : parseFeedbackItem(raw);
      return item?.id === id ? item : undefined;
    },
    async record(item) {
      if (!ID.test(item.id)) return { stored: false, existing: undefined };
      const ok = await redis.set(itemKey(item.id), JSON.stringify(item), 'EX', limits.itemTtlSeconds, 'NX');
      if (ok !== 'OK') {
        const raw = await redis.get(itemKey(item.id));
        return { stored: false, existing: raw === null ? undefined : parseFeedbackItem(raw) };
      }
      const at = Date.parse(item.markedAt);
      const score = Number.isFinite(at) ? at : now().getTime();
      await redis.zadd(itemIndex, score, item.id);
      await trim(itemIndex, itemKey, limits.itemTtlSeconds, limits.maxItems, now().getTime());
      return { stored: true, item };
    },
    async list(since) {
      const ids = await redis.zrangebyscore(itemIndex, since === undefined ? '-inf' : since.getTime(), '+inf');
      const out: FeedbackItem[] = [];
      for (const id of ids) {
        const raw = await redis.get(itemKey(id));
        const item = raw === null ? undefined : parseFeedbackItem(raw);
        if (item !== undefined && item.id === id) out.push(item);
      }
      return out;
    },
  };
}
