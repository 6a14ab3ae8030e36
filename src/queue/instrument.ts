// Counts, times and logs each attempt of a diagnosis job, and counts the cause of every report posted,
// through the metrics port. Wraps the plain processor function, so the processor stays free of both.
// Every log line written during the attempt carries the job id, its queue and incident (src/log).
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { JobOutcome, Metrics } from '../metrics/metrics.ts';
import { withLogContext } from '../log/context.ts';
import type { DiagnosisJob, DiagnosisResult } from './diagnosis-processor.ts';
import { incidentId } from './types.ts';
import { classifyError } from './errors.ts';
import { recordUnexpectedError } from '../server/unexpected-errors.ts';

export function instrumentProcessor<J extends DiagnosisJob>(
  queue: string,
  processor: (job: J, signal?: AbortSignal) => Promise<DiagnosisResult>,
  metrics: Metrics,
  logger?: Logger,
  clock: () => number = () => performance.now(),
): (job: J, signal?: AbortSignal) => Promise<DiagnosisResult> {
  return (job, signal) => {
    const context = { jobId: job.id ?? '?', queue, ...(job.data.incident === undefined ? {} : { incident: incidentId(job.data.incident) }) };
    return withLogContext(context, async () => {
      const start = clock();
      const attempt = job.attemptsMade + 1;
      const facts = { attempt, origin: job.data.origin, target: job.data.target.text, requestedBy: job.data.requestedBy };
      let outcome: JobOutcome = 'completed';
      try {
        const result = await processor(job, signal);
        if (result.status === 'posted') metrics.diagnosis(result.cause);
        logger?.info({ ...facts, outcome, ms: Math.round(clock() - start), ...result, ...(result.status === 'posted' ? { incident: result.incident } : {}) }, 'job completed');
        return result;
      } catch (error) {
        // BullMQ retries unless the error is unrecoverable or this was the last attempt.
        const last = error instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
        outcome = last ? 'failed' : 'retrying';
        // Not a cluster, Slack or validation error the processor knows: a bug or an unforeseen answer.
        // Counted (crashloop_unexpected_errors_total{source="job"}); the processor has told the user.
        if (classifyError(error).code === 'INTERNAL') recordUnexpectedError('job', job.id ?? '?', error);
        if (last) logger?.error({ ...facts, outcome, ms: Math.round(clock() - start), err: error }, 'job failed');
        else logger?.warn({ ...facts, outcome, ms: Math.round(clock() - start), err: error }, 'job attempt failed; it will be retried');
        throw error;
      } finally {
        metrics.jobFinished(queue, outcome, (clock() - start) / 1000);
      }
    });
  };
}
