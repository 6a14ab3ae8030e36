// "Say where things are and what is missing" (issue 13), end to end: the web role of a two-cluster
// deployment (real Bolt server, signed requests, real Redis and BullMQ, the fake Slack Web API) and one
// real worker role for prod only. The web role reads BullMQ's worker registry: /readyz shows each
// cluster's presence (names and states only), `/crashloop staging/…` is told at once that staging has no
// worker (and its job waits in the queue), an ack about a workload with an open incident links to the
// incident's message, and a not-found answer names the cluster it looked in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { blockActionBody, postSigned, slashCommandBody } from '../support/signing.ts';
import { ActionStateStore } from '../../src/slack/action-state.ts';
import { ACTION_IDS } from '../../src/actions/types.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { crashLoopAlert, payload } from '../alertmanager/fixtures.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { startBot, type RunningBot } from '../../src/main.ts';
import { diagnosisQueueName } from '../../src/queue/types.ts';

const SECRET = 's3cr3t-test-signing';
const TOKEN = 'am-token-presence';
const CHANNEL = 'C0OPS';

let redis: TestRedis;
let client: Redis;
let slack: FakeSlack;
let web: RunningBot;
let worker: RunningBot | undefined;
let config: Config;
let base: string;
let prefix: string;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
  slack = await startFakeSlack();
  prefix = uniqueName('presence');
  config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-0000',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    PORT: '0',
    CRASHLOOP_CLUSTERS: 'prod,staging',
    CRASHLOOP_REDIS_PREFIX: prefix,
    ALERTMANAGER_TOKEN: TOKEN,
    ALERT_CHANNEL: 'C0ALERTS',
  });
  web = await startBot({ config, role: 'web', log: () => undefined });
  base = `http://127.0.0.1:${web.port}`;
  const gateway = FixtureGateway.fromSnapshots([crashingSnapshot({ namespace: 'shop', name: 'api-7d9f8b6c5-x2x4z', container: 'api', deployment: 'api', previousLog: 'Error: boom' })], 'prod');
  worker = await startBot({ config, role: 'worker', cluster: 'prod', createGateway: () => gateway, log: () => undefined });
});

afterAll(async () => {
  await worker?.close();
  await web?.close();
  client?.disconnect();
  await slack?.close();
  await redis?.stop();
});

async function readyz(): Promise<{ status: number; body: Record<string, unknown>; raw: string }> {
  const res = await fetch(`${base}/readyz`);
  const raw = await res.text();
  return { status: res.status, body: JSON.parse(raw) as Record<string, unknown>, raw };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function command(text: string): Promise<{ text: string; blocks: string; responseId: string }> {
  const responseId = uniqueName('resp');
  const res = await postSigned(`${base}/slack/events`, SECRET, slashCommandBody({ text, userId: 'U0ALICE', channelId: CHANNEL, responseUrl: slack.responseUrl(responseId) }));
  expect(res.status).toBe(200);
  const body = JSON.parse(await res.text()) as { response_type?: string; text?: string; blocks?: unknown };
  expect(body.response_type).toBe('ephemeral');
  return { text: String(body.text), blocks: JSON.stringify(body.blocks ?? []), responseId };
}

async function waiting(cluster: string): Promise<number> {
  const connection = client.duplicate();
  const queue = new Queue(diagnosisQueueName(cluster), { connection, prefix });
  try {
    const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

describe('worker presence and report location (issue 13)', () => {
  it('/readyz shows which cluster has a live worker, and nothing else', async () => {
    const ready = await until('prod live in /readyz', async () => {
      const r = await readyz();
      return (r.body.workers as Record<string, string> | undefined)?.prod === 'live' ? r : undefined;
    });
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', workers: { prod: 'live', staging: 'none' } });
    expect(ready.raw).not.toContain(redis.url);
    expect(ready.raw).not.toContain('127.0.0.1');
  });

  it('tells the user at once that staging has no worker; the job waits in its queue', async () => {
    const before = await waiting('staging');
    const ack = await command('staging/shop/billing-5c4d3b2a1-abcde');
    expect(ack.blocks).toContain(':warning: staging has no worker right now; your diagnosis is queued and runs when it returns.');
    expect(ack.text).toContain('staging has no worker right now');
    expect(ack.text).toContain('Diagnosing shop/billing-5c4d3b2a1-abcde in staging');
    expect(await waiting('staging')).toBe(before + 1);
    // prod has one: no warning there.
    const prod = await command('prod/shop/api-7d9f8b6c5-x2x4z');
    expect(prod.text).not.toContain('no worker');
    expect(prod.text).toContain('the report will appear in this channel');
  });

  it('says the same on a Diagnose button for a cluster without a worker', async () => {
    const stateId = await new ActionStateStore(client, { prefix }).save({ v: 1, cluster: 'staging', namespace: 'shop', pod: 'billing-5c4d3b2a1-abcde', channel: CHANNEL, createdAt: new Date().toISOString() });
    const responseId = uniqueName('diag');
    const res = await postSigned(`${base}/slack/events`, SECRET, blockActionBody({ actionId: ACTION_IDS.diagnose, value: stateId, userId: 'U0ALICE', channelId: CHANNEL, messageTs: '1700000009.000001', responseUrl: slack.responseUrl(responseId) }));
    expect(res.status).toBe(200);
    const response = await slack.waitFor(() => slack.responses.find((r) => r.id === responseId), 30_000);
    expect(response.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(response.body.blocks)).toContain('staging has no worker right now; your diagnosis is queued and runs when it returns.');
  });

  it('names the cluster in a not-found answer', async () => {
    const ack = await command('prod/shop/nothing-here');
    const response = await slack.waitFor(() => slack.responses.find((r) => r.id === ack.responseId && String(r.body.text).includes('could not find')), 30_000);
    expect(String(response.body.text)).toContain('I could not find shop/nothing-here in cluster prod');
    expect(JSON.stringify(response.body.blocks)).toContain('in cluster `prod`');
  });

  it('an ack about a workload with an open incident links to the incident message instead of promising this channel', async () => {
    const res = await fetch(`${base}/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload([crashLoopAlert({ namespace: 'shop', pod: 'checkout-7d9f8b6c5-x2x4z', container: 'app', cluster: 'staging', startsAt: new Date().toISOString() })])),
    });
    expect(res.status).toBe(200);
    // The outbox posts the incident's parent in the alert channel.
    const parent = await slack.waitFor(() => slack.callsOf('chat.postMessage').find((c) => c.args.channel === 'C0ALERTS' && c.args.thread_ts === undefined && String(c.args.text).includes('checkout')), 30_000);
    const ts = String((parent.result as { ts?: string } | undefined)?.ts);
    const ack = await until('the incident pointer', async () => {
      const a = await command('staging/shop/checkout-7d9f8b6c5-x2x4z');
      return a.blocks.includes('open incident') ? a : undefined;
    });
    expect(ack.blocks).toContain(`<https://fake.slack.test/archives/C0ALERTS/p${ts.replace('.', '')}|its incident message> in <#C0ALERTS>`);
    expect(ack.blocks).toContain('`Deployment/checkout` in `shop` has an open incident: the report updates');
    expect(ack.text).toContain('Deployment/checkout has an open incident; the report updates its message.');
    expect(ack.text).not.toContain('appear in this channel');
    expect(ack.text.length).toBeLessThanOrEqual(200);
  });

  it('/readyz says when the last worker of a cluster is gone', async () => {
    await worker?.close();
    worker = undefined;
    const gone = await until('prod none in /readyz', async () => {
      const r = await readyz();
      return (r.body.workers as Record<string, string> | undefined)?.prod === 'none' ? r : undefined;
    });
    // Still ready: the web role takes requests and queues them; it says which queue waits.
    expect(gone.status).toBe(200);
    expect((await command('prod/shop/api-7d9f8b6c5-x2x4z')).text).toContain('prod has no worker right now');
  });
});
