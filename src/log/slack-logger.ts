// The Slack SDKs' logger interface over the bot's JSON logger, so Bolt's and the Web API client's own
// lines (rate limits, retries, receiver errors) come out as JSON with the same redaction and ids.
import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from 'pino';

function text(parts: unknown[]): { err?: Error; msg: string } {
  const err = parts.find((p): p is Error => p instanceof Error);
  const msg = parts
    .filter((p) => p !== err)
    .map((p) => (typeof p === 'string' ? p : JSON.stringify(p)))
    .join(' ');
  return err === undefined ? { msg } : { err, msg: msg || err.message };
}

/** `component` names the SDK part (slack-web-api, bolt). The SDKs' setLevel only narrows their own lines. */
export function slackLogger(logger: Logger, component: string): SlackLogger {
  const child = logger.child({ component });
  let level: LogLevel = LogLevel.INFO;
  const write = (at: 'debug' | 'info' | 'warn' | 'error', parts: unknown[]): void => {
    const { err, msg } = text(parts);
    if (err === undefined) child[at](msg);
    else child[at]({ err }, msg);
  };
  return {
    debug: (...parts: unknown[]) => write('debug', parts),
    info: (...parts: unknown[]) => write('info', parts),
    warn: (...parts: unknown[]) => write('warn', parts),
    error: (...parts: unknown[]) => write('error', parts),
    setLevel: (next: LogLevel) => void (level = next),
    getLevel: () => level,
    setName: () => undefined,
  };
}
