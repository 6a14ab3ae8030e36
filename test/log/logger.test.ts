// The JSON logger: one object a line, level from LOG_LEVEL, request/job/incident ids from the context,
// and no secret in any field or free text.
import { describe, expect, it } from 'vitest';
import { createLogger, logFunction } from '../../src/log/logger.ts';
import { withLogContext } from '../../src/log/context.ts';
import { loadConfig, type LogLevel } from '../../src/config.ts';

function capture(level?: LogLevel) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ ...(level === undefined ? {} : { level }), destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

describe('JSON logs', () => {
  it('writes one JSON object per line with level, time, message and service', () => {
    const { logger, lines } = capture();
    logger.info({ jobs: 2 }, 'hello');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'hello', service: 'crashloop', jobs: 2 });
    expect(typeof lines[0]?.time).toBe('string');
  });

  it('takes its level from LOG_LEVEL (default info) and rejects an unknown one', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-test-0000', SLACK_SIGNING_SECRET: 's3cr3t-test' };
    expect(loadConfig(base).logLevel).toBe('info');
    const level = loadConfig({ ...base, LOG_LEVEL: 'warn' }).logLevel;
    const { logger, lines } = capture(level);
    logger.info('dropped');
    logger.warn('kept');
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
    expect(() => loadConfig({ ...base, LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/);
  });

  it('names the request, job and incident of the work in progress', async () => {
    const { logger, lines } = capture();
    await withLogContext({ reqId: 'req-1' }, async () => {
      await withLogContext({ jobId: '42', queue: 'crashloop-diagnose-prod', incident: 'prod/payments/Deployment/api' }, async () => {
        await Promise.resolve();
        logger.info('inside');
      });
    });
    logger.info('outside');
    expect(lines[0]).toMatchObject({ msg: 'inside', reqId: 'req-1', jobId: '42', queue: 'crashloop-diagnose-prod', incident: 'prod/payments/Deployment/api' });
    expect(lines[1]?.reqId).toBeUndefined();
  });

  it('censors credential fields and redacts secrets in messages, errors and stacks', () => {
    const { logger, lines } = capture();
    logger.info({ token: 'xoxb-1234567890-abcdefghij', config: { slack: { botToken: 'xoxb-0987654321-zyxwvutsrq' } }, req: { headers: { authorization: 'Bearer fake-am-token-1234567890' } } }, 'fields');
    logger.info('connecting to redis://bot:fakeRedisPass123@redis:6379 with password=hunter2hunter2');
    const error = new Error('login failed for postgres://app:fakeDbPass987@db:5432/app');
    logFunction(logger)('could not connect', error);
    const text = JSON.stringify(lines);
    for (const secret of ['xoxb-1234567890-abcdefghij', 'xoxb-0987654321-zyxwvutsrq', 'fake-am-token-1234567890', 'fakeRedisPass123', 'hunter2hunter2', 'fakeDbPass987']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ token: '[redacted]', config: { slack: '[redacted]' } });
    expect(lines[2]).toMatchObject({ level: 'error', msg: 'could not connect', err: { type: 'Error' } });
    expect(String((lines[2]?.err as { message: string }).message)).toContain('login failed for postgres://app:');
  });
});
