// Bounded enqueue: what the user is told matches what happens. An enqueue either answers "queued"
// (the job is in Redis and runs once) or "refused" (the job never runs), within a bound, whatever
// Redis does meanwhile. Three parts (docs/operations.md, "Redis down: queued or refused"):
//  1. The producer connection has no offline queue and never resends (src/redis/connect.ts, purpose
//     'producer'): while it is not connected, a command fails at once and nothing is sent later.
//  2. Just before the add, on the same connection, a fence script runs; Redis executes a connection's
//     commands in order, so the fence runs before the add. Past the deadline (by Redis' clock) it
//     writes the job's refusal key; the add that follows is then a dead job.
//  3. Workers check the refusal key before running a job (src/queue/worker.ts) and drop it.
// So an add still in flight when the caller gave up (a hung or slow Redis) lands after the deadline,
// behind its fence, and never runs. Left over: Redis executing the add before the deadline and its
// answer arriving more than FENCE_MARGIN_MS late (a crash between executing and answering, a network
// stall); clocks are assumed within that margin (NTP).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { JobsOptions, Queue } from 'bullmq';
import type { DiagnosisJobData } from './types.ts';

/** Default bound on an enqueue: Slack's ack must follow within 3 s. */
export const ENQUEUE_TIMEOUT_MS = 2000;
/** The fence's deadline lies this much before the caller gives up (reply latency, clock skew). */
export const FENCE_MARGIN_MS = 1000;
/** A refusal key outlives any job it could refer to (failed jobs are kept 7 days). */
const REFUSAL_TTL_MS = 8 * 24 * 3600 * 1000;

const FENCE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now > tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 0
end
return 1
`;

export type EnqueueRefusal = 'offline' | 'timeout' | 'late' | 'error';

/** The job was not queued and never runs; `reason` says why (for logs). */
export class EnqueueRefusedError extends Error {
  readonly reason: EnqueueRefusal;
  constructor(reason: EnqueueRefusal, detail: string, options?: { cause?: unknown }) {
    super(`the job was not queued (${reason}): ${detail}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EnqueueRefusedError';
    this.reason = reason;
  }
}

/** Where a refused job's fence leaves its mark; on the queue's hash slot when the prefix is hash-tagged. */
export function refusalKey(prefix: string, queueName: string, jobId: string): string {
  return `${prefix}:refused:${queueName}:${jobId}`;
}

/** True when the job was refused at enqueue time (its add landed behind its fence): drop it. */
export async function wasRefused(client: { get(key: string): Promise<string | null> }, prefix: string, queueName: string, jobId: string | undefined): Promise<boolean> {
  if (jobId === undefined) return false;
  return (await client.get(refusalKey(prefix, queueName, jobId))) !== null;
}

export interface BoundedAddOptions {
  jobId?: string;
  timeoutMs?: number;
  now?: () => number;
  jobOptions?: JobsOptions;
}

/**
 * Adds one job through `queue`, whose connection must be `producer` (see the header), and resolves its
 * id, or rejects with EnqueueRefusedError: then the job never runs.
 */
export async function boundedAdd(queue: Queue<DiagnosisJobData>, producer: Redis, prefix: string, data: DiagnosisJobData, options: BoundedAddOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? ENQUEUE_TIMEOUT_MS;
  const jobId = options.jobId ?? randomUUID();
  if (producer.status !== 'ready') throw new EnqueueRefusedError('offline', `Redis connection is ${producer.status}`);
  const started = (options.now ?? Date.now)();
  const deadline = started + timeoutMs - Math.min(FENCE_MARGIN_MS, Math.floor(timeoutMs / 2));
  // Sent now, before the add below: same connection, so Redis runs it first.
  const fence = producer.eval(FENCE, 1, refusalKey(prefix, queue.name, jobId), deadline, REFUSAL_TTL_MS) as Promise<number>;
  const added = queue.add('diagnose', data, { ...options.jobOptions, jobId });
  const both = Promise.all([fence, added]);
  both.catch(() => undefined);
  const outcome = await settleWithin(both, timeoutMs);
  if (outcome.kind === 'timeout') throw new EnqueueRefusedError('timeout', `Redis did not answer within ${timeoutMs} ms`);
  if (outcome.kind === 'error') throw new EnqueueRefusedError('error', outcome.error instanceof Error ? outcome.error.message : String(outcome.error), { cause: outcome.error });
  const [fenced, job] = outcome.value;
  if (fenced !== 1) throw new EnqueueRefusedError('late', 'Redis ran the add after its deadline; the job is marked refused');
  return job.id ?? jobId;
}

type Settled<T> = { kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'timeout' };

/**
 * Waits up to `ms`. When the timer fires, one more turn of I/O is allowed first (setImmediate runs after
 * the poll phase): an answer that arrived while the event loop was blocked still counts.
 */
function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: Settled<T>): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => setImmediate(() => finish({ kind: 'timeout' })), ms);
    promise.then(
      (value) => finish({ kind: 'value', value }),
      (error: unknown) => finish({ kind: 'error', error }),
    );
  });
}
