// A BullMQ worker over one cluster's diagnosis queue, running a plain processor function.
import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { DiagnosisJobData } from './types.ts';
import { diagnosisQueueName } from './types.ts';

export type JobProcessor<R> = (job: Job<DiagnosisJobData>, signal?: AbortSignal) => Promise<R>;

export interface WorkerOptions {
  connection: ConnectionOptions;
  prefix?: string;
  concurrency?: number;
  /** Called on each failure, e.g. for logging. */
  onFailed?: (job: Job<DiagnosisJobData> | undefined, error: Error) => void;
}

export function startDiagnosisWorker<R>(cluster: string, processor: JobProcessor<R>, options: WorkerOptions): Worker<DiagnosisJobData, R> {
  const worker = new Worker<DiagnosisJobData, R>(diagnosisQueueName(cluster), (job, _token, signal) => processor(job, signal), {
    connection: options.connection,
    prefix: options.prefix ?? 'crashloop',
    concurrency: options.concurrency ?? 4,
  });
  worker.on('failed', (job, error) => options.onFailed?.(job, error));
  // Without a listener an 'error' event would crash the process; Redis hiccups are retried by BullMQ.
  worker.on('error', () => undefined);
  return worker;
}
