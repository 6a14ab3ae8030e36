// CRASHLOOP_FEEDBACK, CRASHLOOP_FEEDBACK_MAX_ITEMS and CRASHLOOP_FEEDBACK_TTL_DAYS: on by default, off on
// request, bounds checked with a message naming the variable (never its neighbours' values).
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const base = { SLACK_BOT_TOKEN: 'xoxb-test-123', SLACK_SIGNING_SECRET: 's3cr3t-test', CLUSTER_NAME: 'prod' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('feedback settings', () => {
  it('are on by default with the store defaults', () => {
    expect(loadConfig(base).feedback).toEqual({ enabled: true });
  });

  it('turn off, and take bounds', () => {
    expect(loadConfig({ ...base, CRASHLOOP_FEEDBACK: 'off' }).feedback.enabled).toBe(false);
    expect(loadConfig({ ...base, CRASHLOOP_FEEDBACK: 'ON', CRASHLOOP_FEEDBACK_MAX_ITEMS: '50', CRASHLOOP_FEEDBACK_TTL_DAYS: '7' }).feedback).toEqual({ enabled: true, maxItems: 50, itemTtlDays: 7 });
  });

  it.each([
    ['CRASHLOOP_FEEDBACK', 'maybe', 'CRASHLOOP_FEEDBACK must be on or off.'],
    ['CRASHLOOP_FEEDBACK_MAX_ITEMS', '0', 'CRASHLOOP_FEEDBACK_MAX_ITEMS must be a whole number from 1 to 10000 (default 200).'],
    ['CRASHLOOP_FEEDBACK_TTL_DAYS', '400', 'CRASHLOOP_FEEDBACK_TTL_DAYS must be a whole number of days from 1 to 365 (default 30).'],
  ])('refuse %s=%s', (name, value, message) => {
    expect(problems({ ...base, [name]: value })).toEqual([message]);
  });
});
