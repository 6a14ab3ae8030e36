// BullMQ queues of diagnosis jobs, one per cluster. The web role holds a router over every known
// cluster's queue; a worker consumes its own cluster's queue only.
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { diagnosisQueueName, type DiagnosisJobData } from './types.ts';
import { boundedAdd, ENQUEUE_TIMEOUT_MS } from './bounded-enqueue.ts';

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export interface QueueOptions {
  connection: ConnectionOptions;
  /** BullMQ key prefix (default "crashloop"). */
  prefix?: string;
  jobOptions?: JobsOptions;
}

export function createDiagnosisQueue(cluster: string, options: QueueOptions): Queue<DiagnosisJobData> {
  return new Queue<DiagnosisJobData>(diagnosisQueueName(cluster), {
    connection: options.connection,
    prefix: options.prefix ?? 'crashloop',
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, ...options.jobOptions },
  });
}

export class UnknownClusterError extends Error {
  readonly cluster: string;
  readonly known: string[];
  constructor(cluster: string, known: string[]) {
    super(`unknown cluster "${cluster}"; known: ${known.join(', ') || '(none)'}`);
    this.name = 'UnknownClusterError';
    this.cluster = cluster;
    this.known = known;
  }
}

/** Enqueues a job on the queue of its cluster. */
export interface JobRouter {
  readonly clusters: string[];
  readonly defaultCluster: string | undefined;
  /**
   * Resolves the job id once the job is queued (it then runs once), or rejects within the router's
   * bound; an EnqueueRefusedError means it never runs (src/queue/bounded-enqueue.ts).
   */
  enqueue(data: DiagnosisJobData, options?: { jobId?: string }): Promise<string>;
  /** The queue of one cluster (e.g. for the Alertmanager ingest's deduplicating enqueue). */
  queueFor(cluster: string): Queue<DiagnosisJobData>;
  close(): Promise<void>;
}

export interface JobRouterOptions extends QueueOptions {
  /**
   * The producer connection (src/redis/connect.ts, purpose 'producer': no offline queue, no resend).
   * The queues use it, and the enqueue fence runs on it.
   */
  connection: Redis;
  /** Bound on one enqueue (default ENQUEUE_TIMEOUT_MS). */
  enqueueTimeoutMs?: number;
}

export function createJobRouter(clusters: string[], options: JobRouterOptions): JobRouter {
  const queues = new Map(clusters.map((c) => [c, createDiagnosisQueue(c, options)] as const));
  const prefix = options.prefix ?? 'crashloop';
  const queueFor = (cluster: string): Queue<DiagnosisJobData> => {
    const queue = queues.get(cluster);
    if (queue === undefined) throw new UnknownClusterError(cluster, clusters);
    return queue;
  };
  return {
    clusters,
    defaultCluster: clusters[0],
    queueFor,
    async enqueue(data, enqueueOptions = {}) {
      return boundedAdd(queueFor(data.cluster), options.connection, prefix, data, {
        timeoutMs: options.enqueueTimeoutMs ?? ENQUEUE_TIMEOUT_MS,
        ...(enqueueOptions.jobId === undefined ? {} : { jobId: enqueueOptions.jobId }),
      });
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
