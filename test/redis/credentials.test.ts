// Redis as a trust boundary: a password-protected redis-server (--requirepass) works with the password
// in REDIS_URL or in REDIS_PASSWORD; a wrong one stops the start with a message that names the host
// and never the password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { loadConfig, type Env } from '../../src/config.ts';
import { startBot } from '../../src/main.ts';
import { RedisAuthError } from '../../src/redis/connect.ts';

const PASSWORD = 'fake-redis-pass/with@odd:chars';
let redis: TestRedis;
let slack: FakeSlack;

beforeAll(async () => {
  redis = await startRedis({ args: ['--requirepass', PASSWORD] });
  slack = await startFakeSlack();
});

afterAll(async () => {
  await slack?.close();
  await redis?.stop();
});

function env(extra: Env): Env {
  return {
    SLACK_BOT_TOKEN: 'xoxb-test-0000',
    SLACK_SIGNING_SECRET: 's3cr3t-test',
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    METRICS_PORT: '0',
    CLUSTER_NAME: 'pw-test',
    CRASHLOOP_REDIS_PREFIX: uniqueName('pw'),
    ...extra,
  };
}

const hostPort = (): string => redis.url.replace('redis://', '');

describe('Redis credentials', () => {
  it('starts and is ready with the password in REDIS_URL (percent-encoded)', async () => {
    const config = loadConfig(env({ REDIS_URL: `redis://:${encodeURIComponent(PASSWORD)}@${hostPort()}` }));
    const bot = await startBot({ config, createGateway: () => FixtureGateway.fromSnapshots([], 'pw-test'), log: () => undefined });
    try {
      // /readyz says only ready or not (its checks include Redis); the details stay in the log.
      const ready = await fetch(`http://127.0.0.1:${bot.port}/readyz`);
      expect(ready.status).toBe(200);
      const raw = await ready.text();
      // A status and each cluster's worker presence; never the password or the Redis address.
      expect(JSON.parse(raw)).toEqual({ status: 'ready', workers: { 'pw-test': expect.stringMatching(/^(live|none|unknown)$/) } });
      expect(raw).not.toContain(PASSWORD);
      expect(raw).not.toContain(hostPort());
    } finally {
      await bot.close();
    }
  });

  it('takes the password from REDIS_PASSWORD, which wins over the URL', async () => {
    const config = loadConfig(env({ REDIS_URL: `redis://:wrong@${hostPort()}`, REDIS_PASSWORD: PASSWORD }));
    const bot = await startBot({ config, createGateway: () => FixtureGateway.fromSnapshots([], 'pw-test'), log: () => undefined });
    await bot.close();
    expect(bot.port).toBeGreaterThan(0);
  });

  it('refuses to start with a wrong password, naming the host and not the password', async () => {
    const wrong = 'fake-wrong-pass-9f2c';
    const logs: string[] = [];
    const config = loadConfig(env({ REDIS_URL: `redis://default:${wrong}@${hostPort()}` }));
    const error = await startBot({ config, createGateway: () => FixtureGateway.fromSnapshots([], 'pw-test'), log: (m, e) => void logs.push(`${m} ${String(e)}`) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedisAuthError);
    const message = (error as Error).message;
    expect(message).toContain(hostPort());
    expect(message).toContain('REDIS_PASSWORD');
    expect(message).not.toContain(wrong);
    expect(logs.join('\n')).not.toContain(wrong);
  });

  it('refuses without any password, with the same advice', async () => {
    const config = loadConfig(env({ REDIS_URL: redis.url }));
    await expect(startBot({ config, createGateway: () => FixtureGateway.fromSnapshots([], 'pw-test'), log: () => undefined })).rejects.toThrow(/rejected the bot's credentials/);
  });
});
