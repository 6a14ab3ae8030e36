// The whole bot as `crashloop serve` builds it (startBot): POST /alertmanager on the Slack port, real
// Redis and BullMQ workers, the real engine over a fixture ClusterGateway, Slack as the local fake.
// An alert opens the incident thread and the worker's report lands in it.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startBot, type RunningBot } from '../../src/main.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../support/fake-slack.ts';
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

function reportFor(pod: string): RecordedCall | undefined {
  return slack.callsOf('chat.postMessage').find((c) => {
    const meta = c.args.metadata as { event_type?: string; event_payload?: { pod?: string } } | undefined;
    return meta?.event_type === 'crashloop_report' && meta.event_payload?.pod === pod;
  });
}

/** The incident's parent ts as the store recorded it from Slack's answer. */
async function parentTsOf(id: string): Promise<string> {
  const client = new Redis(redis.url);
  try {
    const ts = await client.hget(`${prefix}:incident:${CLUSTER}/${id}`, 'parentTs');
    expect(ts).toMatch(/^\d+\.\d+$/);
    return ts ?? '';
  } finally {
    client.disconnect();
  }
}

function incidentParent(workload: string): RecordedCall | undefined {
  return slack.callsOf('chat.postMessage').find((c) => c.args.thread_ts === undefined && String(c.args.text).includes(workload));
}

describe('bot: Alertmanager -> incident thread -> report', () => {
  it('is mounted on the Slack port and still checks the token', async () => {
    expect((await post(url, payload([crashLoopAlert()]), 'wrong')).status).toBe(401);
  });

  it('posts the diagnosis report in the thread the alert opened', async () => {
    const res = await post(url, payload([crashLoopAlert({ namespace: 'payments', pod: 'api-7d9f8b6c5-x2x4z', container: 'api' })]));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ queued: 1 });
    const report = await slack.waitFor(() => reportFor('api-7d9f8b6c5-x2x4z'), 30_000);
    const parent = incidentParent('`Deployment/api`');
    expect(parent?.args.channel).toBe('C0ALERTS');
    expect(report.args.channel).toBe('C0ALERTS');
    expect(report.args.thread_ts).toBe(await parentTsOf('payments/Deployment/api'));
    expect((report.args.metadata as { event_payload?: { cause?: string } }).event_payload?.cause).toBe('oom-killed');
    expect(slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === undefined && String(c.args.text).includes('`Deployment/api`'))).toHaveLength(1);
  }, 60_000);

  it('diagnoses the workload\'s current crashing pod when the alerted pod is gone', async () => {
    const res = await post(url, payload([crashLoopAlert({ namespace: 'shop', pod: 'web-7d9f8b6c5-zzzzz', container: 'web' })]));
    expect(res.body).toMatchObject({ queued: 1 });
    const report = await slack.waitFor(() => reportFor('web-7d9f8b6c5-bcdfg'), 30_000);
    expect((report.args.metadata as { event_payload?: { cause?: string } }).event_payload?.cause).toBe('missing-dependency');
    expect(report.args.thread_ts).toBe(await parentTsOf('shop/Deployment/web'));
  }, 60_000);
});
