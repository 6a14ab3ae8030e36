// The whole bot as `crashloop serve` builds it (startBot): POST /alertmanager on the Slack port, real
// Redis and BullMQ workers, the real engine over a fixture ClusterGateway, Slack as the local fake.
// An alert opens the incident's parent and the worker's diagnosis edits it into the report.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startBot, type RunningBot } from '../../src/main.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { crashLoopAlert, payload } from './fixtures.ts';
import { post, TOKEN } from './harness.ts';

const CLUSTER = 'fixture-prod';
let redis: TestRedis;
let slack: FakeSlack;
let bot: RunningBot;
let url: string;
let prefix: string;

beforeAll(async () => {
  redis = await startRedis();
  slack = await startFakeSlack();
  const gateway = FixtureGateway.fromSnapshots(
    [
      crashingSnapshot({ namespace: 'payments', name: 'api-7d9f8b6c5-x2x4z', container: 'api', deployment: 'api', reason: 'OOMKilled', exitCode: 137, memoryLimit: '256Mi', previousLog: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory' }),
      crashingSnapshot({ namespace: 'shop', name: 'web-7d9f8b6c5-bcdfg', container: 'web', deployment: 'web', previousLog: "Error: Cannot find module 'express'" }),
    ],
    CLUSTER,
  );
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-0000',
    SLACK_SIGNING_SECRET: 's3cr3t-test-signing',
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    PORT: '0',
    CLUSTER_NAME: CLUSTER,
    CRASHLOOP_REDIS_PREFIX: (prefix = uniqueName('bot')),
    ALERTMANAGER_TOKEN: TOKEN,
    ALERT_CHANNEL: 'C0ALERTS',
  });
  bot = await startBot({ config, createGateway: () => gateway, log: () => undefined });
  url = `http://127.0.0.1:${bot.port}/alertmanager`;
});

afterAll(async () => {
  await bot?.close();
  await slack?.close();
  await redis?.stop();
});

/** The channel's top-level messages about a workload, as a reader sees them now. */
function parentsOf(workload: string) {
  return slack.channelView('C0ALERTS').filter((m) => m.text.includes(workload));
}

/** Resolves once the workload's single parent shows the diagnosed cause (text and blocks). */
async function diagnosedParent(workload: string, cause: string) {
  return slack.waitFor(() => {
    const [parent, ...more] = parentsOf(workload);
    return parent !== undefined && more.length === 0 && parent.text.includes(cause) && JSON.stringify(parent.blocks).includes(cause) ? parent : undefined;
  }, 30_000);
}

async function parentTsOf(id: string): Promise<string | undefined> {
  const client = new Redis(redis.url);
  try {
    return (await client.hget(`${prefix}:outbox:doc:incident:${CLUSTER}/${id}:parent`, 'ts')) ?? undefined;
  } finally {
    client.disconnect();
  }
}

describe('bot: Alertmanager -> incident thread -> report', () => {
  it('is mounted on the Slack port and still checks the token', async () => {
    expect((await post(url, payload([crashLoopAlert()]), 'wrong')).status).toBe(401);
  });

  it('edits the incident parent into the report: one message, the diagnosed cause, detail in its thread', async () => {
    const res = await post(url, payload([crashLoopAlert({ namespace: 'payments', pod: 'api-7d9f8b6c5-x2x4z', container: 'kube-rbac-proxy' })]));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ queued: 1 });
    const parent = await diagnosedParent('payments/Deployment/api', 'oom-killed');
    expect(parent.ts).toBe(await parentTsOf('payments/Deployment/api'));
    expect(parent.text.length).toBeLessThanOrEqual(200);
    // The diagnosed container, not the alert's container label.
    expect(JSON.stringify(parent.blocks)).toContain('*Container:* `api`');
    expect(JSON.stringify(parent.blocks)).toContain('crashloop_actions');
    const thread = await slack.waitFor(() => {
      const replies = slack.threadOf('C0ALERTS', parent.ts);
      return replies.length >= 2 ? replies : undefined;
    }, 30_000);
    expect(thread.every((c) => String(c.args.text).length <= 200)).toBe(true);
  }, 60_000);

  it('diagnoses the workload\'s current crashing pod when the alerted pod is gone', async () => {
    const res = await post(url, payload([crashLoopAlert({ namespace: 'shop', pod: 'web-7d9f8b6c5-zzzzz', container: 'web' })]));
    expect(res.body).toMatchObject({ queued: 1 });
    const parent = await diagnosedParent('shop/Deployment/web', 'missing-dependency');
    expect(JSON.stringify(parent.blocks)).toContain('web-7d9f8b6c5-bcdfg');
  }, 60_000);
});
