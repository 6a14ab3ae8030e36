// Storm mode end to end (issue 13): the whole bot (startBot) with real Redis and BullMQ, the real engine
// over a fixture gateway of crash-looping Deployments, the local Slack Web API server, and 1,000 alerts
// over 100 workloads sent as ten concurrent authenticated webhooks. A reader of the channel gets one
// storm digest listing every workload under its diagnosed cause, then exactly one parent per incident
// that shows its cause, with no reposts, at most 10 replies each and every text within 200 characters;
// also when Slack answers 429 for a while and is slow.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startBot, type RunningBot } from '../../src/main.ts';
import { outboxQueueName } from '../../src/slack/outbox.ts';
import { diagnosisQueueName } from '../../src/queue/types.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { stormBatches, stormSnapshot, stormView, stormWorkloads, type StormWorkload } from '../support/storm-scenario.ts';
import { payload } from './fixtures.ts';
import { post, TOKEN } from './harness.ts';

const CLUSTER = 'prod';
const CHANNEL = 'C0STORM';

interface Run {
  redis: TestRedis;
  slack: FakeSlack;
  bot: RunningBot;
  url: string;
  prefix: string;
  workloads: StormWorkload[];
}

let run: Run | undefined;
afterEach(async () => {
  await run?.bot.close();
  await run?.slack.close();
  await run?.redis.stop();
  run = undefined;
});

async function start(count: number, options: { latencyMs?: number; paceMs: number; missing?: number }): Promise<Run> {
  const redis = await startRedis();
  const slack = await startFakeSlack(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs });
  const workloads = stormWorkloads(count);
  // `missing` workloads alert but are not in the cluster: their diagnosis fails for good.
  const gateway = FixtureGateway.fromSnapshots(workloads.slice(0, workloads.length - (options.missing ?? 0)).map(stormSnapshot), CLUSTER);
  const prefix = uniqueName('storm');
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-0000',
    SLACK_SIGNING_SECRET: 's3cr3t-test-signing',
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    PORT: '0',
    CLUSTER_NAME: CLUSTER,
    CRASHLOOP_REDIS_PREFIX: prefix,
    ALERTMANAGER_TOKEN: TOKEN,
    ALERT_CHANNEL: CHANNEL,
  });
  const bot = await startBot({ config, createGateway: () => gateway, log: () => undefined, slackPaceMs: options.paceMs });
  run = { redis, slack, bot, url: `http://127.0.0.1:${bot.port}/alertmanager`, prefix, workloads };
  return run;
}

/** Resolves once nothing is left to diagnose and nothing is left for Slack (a state, polled). */
async function settled(r: Run, timeoutMs: number): Promise<void> {
  const { hostname, port } = new URL(r.redis.url);
  const connection = new Redis(Number(port), hostname, { maxRetriesPerRequest: null });
  const queues = [new Queue(outboxQueueName(CHANNEL), { connection, prefix: r.prefix }), new Queue(diagnosisQueueName(CLUSTER), { connection, prefix: r.prefix })];
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'waiting-children')));
      if (counts.every((c) => Object.values(c).every((n) => n === 0))) return;
      if (Date.now() > deadline) throw new Error(`not settled within ${timeoutMs} ms: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
    connection.disconnect();
  }
}

async function storm(r: Run): Promise<void> {
  const responses = await Promise.all(stormBatches(r.workloads).map((batch) => post(r.url, payload(batch))));
  expect(responses.map((res) => res.status)).toEqual(responses.map(() => 200));
  expect(responses.reduce((n, res) => n + Number(res.body.queued), 0)).toBe(r.workloads.length);
}

/** Every issue-13 count on a settled channel. */
function expectReadableChannel(r: Run): void {
  const view = stormView(r.slack, CHANNEL, r.workloads);
  expect(view.digests).toHaveLength(1);
  for (const [workload, parents] of view.parentsOf) expect(parents.map((p) => p.ts), workload).toHaveLength(1);
  expect(view.parentsWithCause).toBe(r.workloads.length);
  expect(view.causesVisible).toBe(r.workloads.length);
  expect(view.identicalReposts).toBe(0);
  expect(view.maxReplies).toBeLessThanOrEqual(10);
  expect(view.maxReplies).toBeGreaterThan(0);
  expect(view.longestText).toBeLessThanOrEqual(200);
  expect(view.unfurling).toBe(0);
  // The digest lists every workload under the cause its own parent shows.
  for (const w of r.workloads) expect(view.digestListing.get(`${w.namespace}/${w.name}`), w.name).toBe(w.cause);
}

describe('storm digest', () => {
  it('1,000 alerts over 100 workloads: one digest grouped by cause first, then one parent per incident born with its cause', async () => {
    const r = await start(100, { paceMs: 20 });
    await storm(r);

    // The digest comes first and ends up listing every workload under its cause.
    const digest = await r.slack.waitFor(() => {
      const view = stormView(r.slack, CHANNEL, r.workloads);
      return view.digestListing.size === 100 && [...view.digestListing.values()].every((c) => c !== 'diagnosing') ? view.digests : undefined;
    }, 120_000);
    expect(digest).toHaveLength(1);
    const [only] = digest;
    expect(only?.text).toContain('100 workloads crash-looping in prod: 62 dns-failure, 30 oom-killed, 8 missing-dependency');
    expect(only?.text.length).toBeLessThanOrEqual(200);
    const blocks = JSON.stringify(only?.blocks);
    expect(blocks).toContain('62 of 100 diagnosed workloads fail with `dns-failure`');
    expect(blocks).toContain('cluster DNS');
    expect(only?.updates).toBeGreaterThan(0);

    await r.slack.waitFor(() => stormView(r.slack, CHANNEL, r.workloads).parentsWithCause === 100 || undefined, 120_000);
    await settled(r, 120_000);
    expectReadableChannel(r);

    // Posted before every parent that was born in the storm; and those parents were born diagnosed:
    // only the incidents that opened before the storm was declared ever said "diagnosing".
    const posts = r.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === undefined);
    const digestAt = posts.findIndex((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'crashloop_storm');
    const bornDiagnosing = posts.filter((c) => String(c.args.text).includes('diagnosing now'));
    expect(bornDiagnosing.length).toBeLessThan(5);
    expect(posts.slice(digestAt + 1).every((c) => !String(c.args.text).includes('diagnosing now'))).toBe(true);
    // Edits of the digest were coalesced: fewer than one per change (100 joins + 100 diagnoses).
    expect(only?.updates ?? 0).toBeLessThan(200);
  }, 300_000);

  it('lists a storm member whose diagnosis fails for good as "could not be diagnosed", not "diagnosing" forever', async () => {
    const r = await start(8, { paceMs: 20, missing: 1 });
    await storm(r);
    const gone = r.workloads[7];
    const listing = await r.slack.waitFor(() => {
      const view = stormView(r.slack, CHANNEL, r.workloads);
      return view.digestListing.get(`${gone?.namespace ?? ''}/${gone?.name ?? ''}`) === 'could not be diagnosed' && view.parentsWithCause === 7 ? view.digestListing : undefined;
    }, 120_000);
    expect([...listing.values()].filter((c) => c === 'diagnosing')).toHaveLength(0);
    expect(stormView(r.slack, CHANNEL, r.workloads).digests).toHaveLength(1);
  }, 300_000);

  it('through 429s and a slow Slack: still one digest, one parent each with its cause, one rate-limit notice', async () => {
    const r = await start(30, { paceMs: 20, latencyMs: 150 });
    r.slack.rateLimitFor('*', 2500, 1);
    await storm(r);
    await r.slack.waitFor(() => stormView(r.slack, CHANNEL, r.workloads).parentsWithCause === 30 || undefined, 180_000);
    await settled(r, 180_000);
    expect(r.slack.rateLimited()).toBeGreaterThan(0);
    expectReadableChannel(r);
    expect(stormView(r.slack, CHANNEL, r.workloads).rateLimitNotices).toBe(1);
  }, 300_000);
});
