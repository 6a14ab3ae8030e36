// Counts and times each attempt of a diagnosis job, and the cause of every report posted, through the
// metrics port. Wraps the plain processor function, so the processor itself stays free of counting.
import { UnrecoverableError } from 'bullmq';
import type { JobOutcome, Metrics } from '../metrics/metrics.ts';
import type { DiagnosisJob, DiagnosisResult } from './diagnosis-processor.ts';

export function instrumentProcessor<J extends DiagnosisJob>(
  queue: string,
  processor: (job: J, signal?: AbortSignal) => Promise<DiagnosisResult>,
  metrics: Metrics,
  clock: () => number = () => performance.now(),
): (job: J, signal?: AbortSignal) => Promise<DiagnosisResult> {
  return async (job, signal) => {
    const start = clock();
    let outcome: JobOutcome = 'completed';
    try {
      const result = await processor(job, signal);
      if (result.status === 'posted') metrics.diagnosis(result.cause);
      return result;
    } catch (error) {
      // BullMQ retries unless the error is unrecoverable or this was the last attempt.
      const last = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      outcome = last ? 'failed' : 'retrying';
      throw error;
    } finally {
      metrics.jobFinished(queue, outcome, (clock() - start) / 1000);
    }
  };
}
