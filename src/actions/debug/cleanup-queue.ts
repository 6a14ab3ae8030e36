// Deletes debug copies when they expire: a delayed BullMQ job per copy. The pod's activeDeadlineSeconds
// stops it even if this job never runs; the job removes the object. Job ids make scheduling idempotent.
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { ClusterError } from '../../cluster/types.ts';
import type { ClusterWriter } from '../../cluster/actions/cluster-writer.ts';
import { objectAt, stringMap } from '../json.ts';
import type { Logger } from '../audit.ts';
import type { DebugCleanupJob } from '../context.ts';
import { DEBUG_ANNOTATIONS } from './build-debug-copy.ts';

export const DEBUG_CLEANUP_QUEUE = 'crashloop-debug-cleanup';

export type CleanupResult = 'deleted' | 'already-gone' | 'not-a-debug-copy' | 'no-cluster';

/** The job processor, a plain function. */
export async function cleanupDebugCopy(writer: ClusterWriter | undefined, job: DebugCleanupJob): Promise<CleanupResult> {
  if (writer === undefined) return 'no-cluster';
  try {
    const pod = await writer.getPod(job.namespace, job.pod);
    if (stringMap(objectAt(pod, 'metadata', 'annotations'))[DEBUG_ANNOTATIONS.copyOf] === undefined) return 'not-a-debug-copy';
    await writer.deletePod(job.namespace, job.pod);
    return 'deleted';
  } catch (err) {
    if (err instanceof ClusterError && err.code === 'NOT_FOUND') return 'already-gone';
    throw err;
  }
}

export interface DebugCleanup {
  schedule(job: DebugCleanupJob, delayMs: number): Promise<void>;
  close(): Promise<void>;
  queue: Queue<DebugCleanupJob>;
  worker: Worker<DebugCleanupJob, CleanupResult> | undefined;
}

export function createDebugCleanup(options: {
  connection: ConnectionOptions;
  prefix?: string;
  /** Omit in processes that only schedule (the web role); workers pass it. */
  writerFor?: (cluster: string) => ClusterWriter | undefined | Promise<ClusterWriter | undefined>;
  logger?: Logger;
}): DebugCleanup {
  const prefix = options.prefix ?? 'crashloop';
  const queue = new Queue<DebugCleanupJob>(DEBUG_CLEANUP_QUEUE, { connection: options.connection, prefix });
  const writerFor = options.writerFor;
  const worker =
    writerFor === undefined
      ? undefined
      : new Worker<DebugCleanupJob, CleanupResult>(
          DEBUG_CLEANUP_QUEUE,
          async (job: Job<DebugCleanupJob>) => {
            const result = await cleanupDebugCopy(await writerFor(job.data.cluster), job.data);
            options.logger?.info({ msg: 'debug copy cleanup', ...job.data, result });
            return result;
          },
          { connection: options.connection, prefix },
        );
  // Without listeners BullMQ prints connection errors itself; route them to the log instead.
  const onError = (err: Error): void => options.logger?.warn({ msg: 'debug cleanup queue error', error: err.message });
  queue.on('error', onError);
  worker?.on('error', onError);
  return {
    queue,
    worker,
    async schedule(job, delayMs) {
      await queue.add('delete-debug-copy', job, {
        delay: delayMs,
        jobId: `${job.cluster}.${job.namespace}.${job.pod}`.replace(/:/g, '_'),
        attempts: 5,
        backoff: { type: 'exponential', delay: 5000 },
        removeOnComplete: 1000,
        removeOnFail: 1000,
      });
    },
    async close() {
      await worker?.close();
      await queue.close();
    },
  };
}
