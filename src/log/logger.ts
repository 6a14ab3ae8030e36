// Structured JSON logs (pino) on stderr, one object a line. Secrets are kept out twice over: fields
// that carry credentials are censored by path, and free text (messages, error messages and stacks) goes
// through the project's redaction, which masks tokens, passwords and keys wherever they appear.
import { pino, type Logger } from 'pino';
import { redactText } from '../../diagnostics/redact.ts';
import type { LogLevel } from '../config.ts';
import { currentLogContext } from './context.ts';

export type { Logger } from 'pino';

/** The bot's older logging shape, kept for every caller that takes one: a message and an optional error. */
export type Log = (message: string, error?: unknown) => void;

/** Field paths that may hold a credential, at the top level or one object down. */
const SECRET_KEYS = ['token', 'botToken', 'appToken', 'signingSecret', 'password', 'secret', 'authorization', 'cookie', 'redisUrl', 'responseUrl', 'response_url'];
export const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-slack-signature"]',
  'config.slack',
  'config.redis',
];

function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: redactText(String(error)) };
  const out: Record<string, unknown> = { type: error.name, message: redactText(error.message) };
  if (error.stack !== undefined) out.stack = redactText(error.stack);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (error.cause !== undefined) out.cause = serializeError(error.cause);
  return out;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where the lines go; default stderr, written synchronously so the last lines before exit survive. */
  destination?: { write(line: string): unknown };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'crashloop' },
      // The request, job and incident ids of the work this line is written for (./context.ts).
      mixin: () => ({ ...currentLogContext() }),
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      hooks: {
        // The message text is free text: redact it like log text.
        logMethod(args, method) {
          const redacted = args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg)) as Parameters<typeof method>;
          method.apply(this, redacted);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

/** The older `(message, error?)` shape over a structured logger: with an error it logs at error level. */
export function logFunction(logger: Logger): Log {
  return (message, error) => {
    if (error === undefined) logger.warn(message);
    else logger.error({ err: error }, message);
  };
}
