// GET /metrics after real flows: the whole bot in-process (real Bolt server with signed requests, real
// Redis and BullMQ, the real engine over a fixture gateway, the local Slack Web API), scraped over HTTP
// on its own port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { blockActionBody, postSigned, slashCommandBody } from '../support/signing.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { sampleValue } from '../support/prometheus-text.ts';
import { crashLoopAlert, payload } from '../alertmanager/fixtures.ts';
import { loadConfig } from '../../src/config.ts';
import { startBot, type RunningBot } from '../../src/main.ts';
import { ACTION_IDS } from '../../src/actions/types.ts';
import { diagnosisQueueName } from '../../src/queue/types.ts';

const SECRET = 's3cr3t-test-signing';
const TOKEN = 'test-alertmanager-token-0000';
const CLUSTER = 'metrics-prod';
const QUEUE = diagnosisQueueName(CLUSTER);
const OOM_POD = 'api-7d9f8b6c5-m3tr1';

let redis: TestRedis;
let slack: FakeSlack;
let bot: RunningBot;
let base: string;

beforeAll(async () => {
  redis = await startRedis();
  slack = await startFakeSlack();
  const gateway = FixtureGateway.fromSnapshots(
    [
      crashingSnapshot({ namespace: 'payments', name: OOM_POD, container: 'api', deployment: 'api', reason: 'OOMKilled', exitCode: 137, memoryLimit: '256Mi', previousLog: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory' }),
      crashingSnapshot({ namespace: 'shop', name: 'web-5c8d7-abcde', container: 'web', deployment: 'web', previousLog: "Error: Cannot find module 'express'" }),
    ],
    CLUSTER,
  );
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-0000',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    PORT: '0',
    METRICS_PORT: String(await freePort()),
    METRICS_HOST: '127.0.0.1',
    CLUSTER_NAME: CLUSTER,
    ALERTMANAGER_TOKEN: TOKEN,
    ALERT_CHANNEL: 'C0ALERTS',
    CRASHLOOP_REDIS_PREFIX: uniqueName('metrics'),
  });
  bot = await startBot({ config, createGateway: () => gateway, log: () => undefined });
  base = `http://127.0.0.1:${bot.port}`;
});

afterAll(async () => {
  await bot?.close();
  await slack?.close();
  await redis?.stop();
});

async function scrape(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${bot.metricsPort ?? 0}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

/** Scrapes until `ready` holds for the text (jobs finish after the Slack calls the test waits on). */
async function scrapeUntil(ready: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await scrape();
    if (ready(text)) return text;
    if (Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('GET /metrics', () => {
  it('is served on its own port, not on the public Slack port', async () => {
    expect(bot.metricsPort).toBeGreaterThan(0);
    expect(bot.metricsPort).not.toBe(bot.port);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    const text = await scrape();
    expect(text).toContain('# TYPE crashloop_jobs_total counter');
    expect(text).toContain('# TYPE crashloop_job_duration_seconds histogram');
    expect(sampleValue(text, 'crashloop_queue_jobs', { queue: QUEUE, state: 'waiting' })).toBe(0);
  });

  it('counts a diagnosis: the job, its cause, its Slack calls and a 429 on the way', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 }, 1);
    const ack = await postSigned(`${base}/slack/events`, SECRET, slashCommandBody({ text: `payments/${OOM_POD}`, responseUrl: slack.responseUrl(), channelId: 'C0OPS' }));
    expect(ack.status).toBe(200);
    // The job hands the report to the Slack outbox; the calls are counted as the outbox makes them.
    await slack.waitFor(() => slack.callsOf('chat.postMessage').some((c) => c.args.channel === 'C0OPS' && (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'crashloop_report'), 30_000);
    const text = await scrapeUntil((t) => sampleValue(t, 'crashloop_jobs_total', { queue: QUEUE, outcome: 'completed' }) === 1 && sampleValue(t, 'crashloop_slack_calls_total', { method: 'chat.postMessage' }) === slack.callsOf('chat.postMessage').length);
    expect(sampleValue(text, 'crashloop_jobs_total', { queue: QUEUE, outcome: 'completed' })).toBe(1);
    expect(sampleValue(text, 'crashloop_job_duration_seconds_count', { queue: QUEUE, outcome: 'completed' })).toBe(1);
    expect(sampleValue(text, 'crashloop_job_duration_seconds_bucket', { queue: QUEUE, outcome: 'completed', le: '+Inf' })).toBe(1);
    expect(sampleValue(text, 'crashloop_diagnoses_total', { cause: 'oom-killed' })).toBe(1);
    const posts = slack.callsOf('chat.postMessage').length;
    expect(sampleValue(text, 'crashloop_slack_calls_total', { method: 'chat.postMessage' })).toBe(posts);
    expect(sampleValue(text, 'crashloop_slack_rate_limited_total', { method: 'chat.postMessage' })).toBe(1);
    expect(sampleValue(text, 'crashloop_slack_errors_total', { method: 'chat.postMessage' }) ?? 0).toBe(0);
  }, 60_000);

  it('counts a failed job and the Slack error behind it', async () => {
    // A pod that does not exist fails the job; a channel Slack refuses fails the outbox's post.
    await postSigned(`${base}/slack/events`, SECRET, slashCommandBody({ text: 'shop/web-5c8d7-zzzzz', responseUrl: slack.responseUrl(), channelId: 'C0OPS' }));
    slack.failNext('chat.postMessage', { status: 200, error: 'channel_not_found' }, 1, (args) => args.channel === 'C0GONE');
    await postSigned(`${base}/slack/events`, SECRET, slashCommandBody({ text: 'shop/web-5c8d7-abcde', responseUrl: slack.responseUrl(), channelId: 'C0GONE' }));
    const text = await scrapeUntil((t) => sampleValue(t, 'crashloop_jobs_total', { queue: QUEUE, outcome: 'failed' }) === 1 && sampleValue(t, 'crashloop_slack_errors_total', { method: 'chat.postMessage' }) === 1);
    expect(sampleValue(text, 'crashloop_jobs_total', { queue: QUEUE, outcome: 'failed' })).toBe(1);
    expect(sampleValue(text, 'crashloop_slack_errors_total', { method: 'chat.postMessage' })).toBe(1);
    expect(sampleValue(text, 'crashloop_diagnoses_total', { cause: 'oom-killed' })).toBe(1);
  }, 60_000);

  it('counts alerts received, ignored by reason and coalesced', async () => {
    const diagnosedBefore = sampleValue(await scrape(), 'crashloop_diagnoses_total', { cause: 'missing-dependency' }) ?? 0;
    const noNamespace = crashLoopAlert({ namespace: 'x', fingerprint: 'fp-no-ns' });
    delete noNamespace.labels.namespace;
    const alerts = [
      crashLoopAlert({ namespace: 'shop', pod: 'web-5c8d7-abcde', container: 'web', fingerprint: 'fp-a' }),
      crashLoopAlert({ namespace: 'shop', pod: 'web-5c8d7-abcde', container: 'web', fingerprint: 'fp-b', extraLabels: { instance: 'second' } }),
      noNamespace,
    ];
    const res = await fetch(`${base}/alertmanager`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(payload(alerts)) });
    expect(res.status).toBe(200);
    const summary = (await res.json()) as { queued: number; deduplicated: number; ignoredBy: Record<string, number> };
    expect(summary).toMatchObject({ queued: 1, deduplicated: 1, ignoredBy: { 'no-namespace': 1 } });

    const text = await scrape();
    expect(sampleValue(text, 'crashloop_alerts_received_total')).toBe(3);
    expect(sampleValue(text, 'crashloop_alerts_ignored_total', { reason: 'no-namespace' })).toBe(1);
    expect(sampleValue(text, 'crashloop_alerts_coalesced_total')).toBe(1);
    // The alert's diagnosis is counted under the cause its report names.
    // The incident's parent becomes the report (posted as such, or edited into it).
    const report = await slack.waitFor(() => slack.calls.find((c) => c.status === 200 && (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.args.channel === 'C0ALERTS' && (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'crashloop_report'), 30_000);
    const cause = (report.args.metadata as { event_payload: { cause: string } }).event_payload.cause;
    expect(cause).toBe('missing-dependency');
    const after = await scrapeUntil((t) => sampleValue(t, 'crashloop_diagnoses_total', { cause }) === diagnosedBefore + 1);
    expect(sampleValue(after, 'crashloop_diagnoses_total', { cause })).toBe(diagnosedBefore + 1);
  }, 60_000);

  it('counts a report button action by action and outcome', async () => {
    const parent = slack.callsOf('chat.postMessage').find((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'crashloop_report' && c.args.channel === 'C0OPS');
    const blocks = (parent?.args.blocks ?? []) as { type?: string; elements?: { action_id: string; value: string }[] }[];
    const button = blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : [])).find((e) => e.action_id === ACTION_IDS.previousLogs);
    expect(button).toBeDefined();
    const click = await postSigned(`${base}/slack/events`, SECRET, blockActionBody({ actionId: ACTION_IDS.previousLogs, value: button?.value ?? '', responseUrl: slack.responseUrl(), channelId: 'C0OPS', messageTs: String(parent?.args.ts ?? '1.1') }));
    expect(click.status).toBe(200);
    const text = await scrapeUntil((t) => (sampleValue(t, 'crashloop_actions_total', { action: ACTION_IDS.previousLogs }) ?? 0) > 0);
    expect(sampleValue(text, 'crashloop_actions_total', { action: ACTION_IDS.previousLogs })).toBe(1);
  }, 60_000);
});
