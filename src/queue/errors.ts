// Errors that steer BullMQ's retries. NOT_FOUND/FORBIDDEN/UNAUTHORIZED/BAD_REQUEST will not get better:
// UnrecoverableError stops the retries. UNAVAILABLE/TIMEOUT are retried with exponential back-off.
import { UnrecoverableError } from 'bullmq';
import { ClusterError } from '../cluster/types.ts';

export type JobErrorCode = 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHORIZED' | 'BAD_REQUEST' | 'UNKNOWN_CLUSTER' | 'UNAVAILABLE' | 'TIMEOUT' | 'CONFLICT' | 'INTERNAL';

/** The job cannot succeed; the user has been (or will be) told why. */
export class PermanentJobError extends UnrecoverableError {
  readonly code: JobErrorCode;
  /** What the user reads, in plain words. */
  readonly userMessage: string;
  constructor(code: JobErrorCode, userMessage: string, options?: { cause?: unknown }) {
    super(userMessage);
    this.name = 'PermanentJobError';
    this.code = code;
    this.userMessage = userMessage;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** The job may succeed later; BullMQ retries it with back-off. */
export class RetryableJobError extends Error {
  readonly code: JobErrorCode;
  readonly userMessage: string;
  constructor(code: JobErrorCode, userMessage: string, options?: { cause?: unknown }) {
    super(userMessage, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RetryableJobError';
    this.code = code;
    this.userMessage = userMessage;
  }
}

export type JobError = PermanentJobError | RetryableJobError;

/** Maps anything thrown during a job onto a retry decision with a plain-words message. */
export function classifyError(error: unknown): JobError {
  if (error instanceof PermanentJobError || error instanceof RetryableJobError) return error;
  if (error instanceof ClusterError) {
    switch (error.code) {
      case 'NOT_FOUND':
        return new PermanentJobError('NOT_FOUND', `not found: ${error.message}`, { cause: error });
      case 'FORBIDDEN':
        return new PermanentJobError('FORBIDDEN', `access denied: ${error.message}`, { cause: error });
      case 'UNAUTHORIZED':
        return new PermanentJobError('UNAUTHORIZED', `the cluster rejected the bot's credentials: ${error.message}`, { cause: error });
      case 'BAD_REQUEST':
        return new PermanentJobError('BAD_REQUEST', error.message, { cause: error });
      case 'TIMEOUT':
        return new RetryableJobError('TIMEOUT', `the cluster did not answer in time: ${error.message}`, { cause: error });
      case 'UNAVAILABLE':
        return new RetryableJobError('UNAVAILABLE', `the cluster is unreachable: ${error.message}`, { cause: error });
      case 'CONFLICT':
        return new RetryableJobError('CONFLICT', error.message, { cause: error });
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new RetryableJobError('INTERNAL', message, { cause: error });
}
