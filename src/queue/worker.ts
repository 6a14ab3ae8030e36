// A BullMQ worker over one cluster's diagnosis queue, running a plain processor function.
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { DiagnosisJobData } from './types.ts';
import { diagnosisQueueName } from './types.ts';
import { wasRefused } from './bounded-enqueue.ts';

export type JobProcessor<R> = (job: Job<DiagnosisJobData>, signal?: AbortSignal) => Promise<R>;

/**
 * A job's lock lasts LOCK_DURATION_MS and is renewed every half of it while the job runs, so long jobs
 * stay alive. When a worker dies, its lock lapses and the next stalled check (every STALLED_INTERVAL_MS,
 * on any worker of the queue) puts the job back: it restarts within lock + interval (at most 11 s)
 * instead of BullMQ's default 30 s + 30 s. The price: an event loop blocked for 8 s would count as dead
 * (the engine is linear; a rerun edits its report, it does not post twice). docs/scaling.md has the
 * measurement (bench/worker-recovery.ts).
 */
export const LOCK_DURATION_MS = 8_000;
export const STALLED_INTERVAL_MS = 3_000;
/** A job may be recovered from two dead workers before it fails; reposting is idempotent. */
export const MAX_STALLED_COUNT = 2;

export interface WorkerOptions {
  connection: ConnectionOptions;
  prefix?: string;
  concurrency?: number;
  /** Called on each failure, e.g. for logging. */
  onFailed?: (job: Job<DiagnosisJobData> | undefined, error: Error) => void;
}

export function startDiagnosisWorker<R>(cluster: string, processor: JobProcessor<R>, options: WorkerOptions): Worker<DiagnosisJobData, R> {
  const prefix = options.prefix ?? 'crashloop';
  const name = diagnosisQueueName(cluster);
  const worker: Worker<DiagnosisJobData, R> = new Worker<DiagnosisJobData, R>(
    name,
    async (job, _token, signal) => {
      // The user was told this job was refused (its add landed after its deadline): it never runs.
      if (await wasRefused(await worker.getBackend().client, prefix, name, job.id)) throw new UnrecoverableError('refused at enqueue: the requester was told it would not run');
      return processor(job, signal);
    },
    {
    connection: options.connection,
    prefix,
    concurrency: options.concurrency ?? 4,
    lockDuration: LOCK_DURATION_MS,
    stalledInterval: STALLED_INTERVAL_MS,
    maxStalledCount: MAX_STALLED_COUNT,
    },
  );
  worker.on('failed', (job, error) => options.onFailed?.(job, error));
  // Without a listener an 'error' event would crash the process; Redis hiccups are retried by BullMQ.
  worker.on('error', () => undefined);
  return worker;
}

function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Stops taking jobs at once and lets running ones finish within `timeoutMs`. Past it, their abort
 * signals fire (the attempt fails and BullMQ retries it, here or on another worker); a job that ignores
 * its signal for 5 s more is left to its lock, which lapses and hands it back. Never waits longer.
 */
export async function closeWorker(worker: Worker, timeoutMs: number): Promise<'finished' | 'cancelled' | 'abandoned'> {
  const closing = worker.close();
  if (await within(closing, timeoutMs)) return 'finished';
  worker.cancelAllJobs('the worker is shutting down');
  if (await within(closing, 5000)) return 'cancelled';
  void closing.catch(() => undefined);
  await within(worker.close(true), 2000);
  return 'abandoned';
}
