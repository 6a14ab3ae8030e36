// Errors that steer BullMQ's retries. NOT_FOUND/FORBIDDEN/UNAUTHORIZED/BAD_REQUEST will not get better:
// UnrecoverableError stops the retries. UNAVAILABLE/TIMEOUT are retried with exponential back-off.
import { UnrecoverableError } from 'bullmq';
import { ClusterError } from '../cluster/types.ts';

export type JobErrorCode = 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHORIZED' | 'BAD_REQUEST' | 'UNKNOWN_CLUSTER' | 'UNAVAILABLE' | 'TIMEOUT' | 'CONFLICT' | 'SLACK_REJECTED' | 'INTERNAL';

/** Slack API errors that a retry cannot fix, with what to do instead. */
const SLACK_PERMANENT: Record<string, string> = {
  not_in_channel: 'I am not a member of this channel, so I cannot post the report here. Invite me with `/invite @crashloop` and try again.',
  channel_not_found: 'I cannot see this channel (it may be private). Invite me with `/invite @crashloop` and try again.',
  is_archived: 'This channel is archived, so I cannot post the report here.',
  missing_scope: 'The Slack app lacks a scope it needs (chat:write, files:write). Ask an admin to reinstall it with the scopes in docs/slack-app.md.',
  invalid_auth: 'Slack rejected the bot token. Ask an admin to check SLACK_BOT_TOKEN.',
  account_inactive: 'Slack rejected the bot token (the app was uninstalled). Ask an admin to reinstall the app.',
  token_revoked: 'Slack rejected the bot token (it was revoked). Ask an admin to reinstall the app.',
  msg_too_long: 'The report was too long for Slack.',
};

/** What to tell a user when Slack refuses a message with this platform error, when a retry cannot help. */
export function slackRefusalAdvice(slackError: string): string | undefined {
  return SLACK_PERMANENT[slackError];
}

/** The `error` string of a Slack Web API platform error, if this is one. */
function slackPlatformError(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, data } = error as { code?: unknown; data?: { error?: unknown } };
  return code === 'slack_webapi_platform_error' && typeof data?.error === 'string' ? data.error : undefined;
}

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
  const slackError = slackPlatformError(error);
  const advice = slackError === undefined ? undefined : SLACK_PERMANENT[slackError];
  if (advice !== undefined) return new PermanentJobError('SLACK_REJECTED', advice, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new RetryableJobError('INTERNAL', message, { cause: error });
}
