// The bot owns what it starts: closing a bot started with startBot (not only through `crashloop serve`)
// closes the report actions' executor too (its cleanup worker and queue), and closing twice is harmless.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { loadConfig } from '../../src/config.ts';
import { startBot } from '../../src/main.ts';
import { createBotActionExecutor } from '../../src/actions/bot-executor.ts';

let redis: TestRedis;
let slack: FakeSlack;

beforeAll(async () => {
  redis = await startRedis();
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack?.close();
  await redis?.stop();
});

describe('bot lifecycle', () => {
  it('closes the executor it was given when the bot closes, whoever started it', async () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test-lifecycle',
      SLACK_SIGNING_SECRET: 's3cr3t-test-lifecycle',
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL: redis.url,
      PORT: '0',
      CLUSTER_NAME: 'fixture-lc',
      CRASHLOOP_REDIS_PREFIX: uniqueName('lifecycle'),
    });
    const gateway = FixtureGateway.fromSnapshots([crashingSnapshot({ namespace: 'shop', name: 'web-1', container: 'web' })], 'fixture-lc');
    let executor: ReturnType<typeof createBotActionExecutor> | undefined;
    const bot = await startBot({
      config,
      createGateway: () => gateway,
      log: () => undefined,
      executor: (ctx) => (executor = createBotActionExecutor(ctx, { env: {}, writerFor: () => undefined, logger: { info() {}, warn() {} } })),
    });
    const worker = executor?.cleanup.worker;
    expect(worker?.isRunning()).toBe(true);

    await bot.close();
    expect(worker?.isRunning()).toBe(false);
    expect(executor?.cleanup.queue.closing).toBeDefined();
    // A second close (e.g. a test's afterAll after serve's shutdown) does nothing more.
    await expect(bot.close()).resolves.toBeUndefined();
  });
});
