// BullMQ queues of diagnosis jobs, one per cluster. The web role holds a router over every known
// cluster's queue; a worker consumes its own cluster's queue only.
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { diagnosisQueueName, type DiagnosisJobData } from './types.ts';

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
  enqueue(data: DiagnosisJobData, options?: { jobId?: string }): Promise<string>;
  /** The queue of one cluster (e.g. for the Alertmanager ingest's deduplicating enqueue). */
  queueFor(cluster: string): Queue<DiagnosisJobData>;
  close(): Promise<void>;
}

export function createJobRouter(clusters: string[], options: QueueOptions): JobRouter {
  const queues = new Map(clusters.map((c) => [c, createDiagnosisQueue(c, options)] as const));
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
      const queue = queueFor(data.cluster);
      const job = await queue.add('diagnose', data, enqueueOptions.jobId === undefined ? {} : { jobId: enqueueOptions.jobId });
      return job.id ?? '';
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
