// The outbox against real Redis, real BullMQ and the local Slack Web API server: one post per logical
// message whatever the timing, the latest content wins, replies wait for their parent, 429 storms and
// latency lose and duplicate nothing, and one "rate-limited" notice per channel per storm.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { WebClient } from '@slack/web-api';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { createOutboxStore } from '../../src/slack/outbox-store.ts';
import { startOutbox } from '../../src/slack/outbox-runner.ts';
import { webClientOutboxSlack } from '../../src/slack/outbox-slack.ts';
import { RedisPacer } from '../../src/slack/pacer.ts';
import { PRIORITY, type Outbox } from '../../src/slack/outbox.ts';

let redisServer: TestRedis;
let redis: Redis;
let slack: FakeSlack;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  redisServer = await startRedis();
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  slack = await startFakeSlack();
});
afterEach(async () => {
  slack.releaseAll();
  slack.setLatency(0);
  for (const step of cleanup.splice(0).reverse()) await step();
});
afterAll(async () => {
  await redis.quit();
  await slack.close();
  await redisServer.stop();
});

async function outbox(intervalMs = 5): Promise<Outbox> {
  const prefix = uniqueName('ob');
  const client = new WebClient('xoxb-test-outbox', { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const started = await startOutbox({
    connection: redis,
    redis,
    store: createOutboxStore(redis, { prefix }),
    slack: webClientOutboxSlack(client),
    pacer: new RedisPacer(redis, { prefix, intervalMs }),
    prefix,
    parentWaitMs: 50,
  });
  cleanup.push(() => started.close());
  return started.outbox;
}

const posts = (channel: string) => slack.callsOf('chat.postMessage').filter((c) => c.args.channel === channel);

describe('outbox', () => {
  it('posts a message once however many writers race, then edits it to the latest content', async () => {
    const box = await outbox();
    const channel = uniqueName('C');
    await Promise.all(Array.from({ length: 20 }, (_, i) => box.put('incident:x:parent', { channel }, { text: `v${i}` }, { priority: PRIORITY.parent })));
    await slack.waitFor(() => posts(channel).length === 1);
    await box.put('incident:x:parent', { channel }, { text: 'final' });
    await slack.waitFor(() => slack.channelView(channel)[0]?.text === 'final');
    expect(posts(channel)).toHaveLength(1);
    expect(posts(channel)[0]?.args).toMatchObject({ unfurl_links: false, unfurl_media: false });
  });

  it('holds a reply until its parent is posted, and posts the parent with the newest content', async () => {
    const box = await outbox();
    const channel = uniqueName('C');
    slack.holdAll();
    await box.put('p', { channel }, { text: 'opening' }, { priority: PRIORITY.parent });
    await slack.waitFor(() => slack.heldCount() === 1);
    await box.put('r', { channel, threadKey: 'p' }, { text: 'detail' }, { priority: PRIORITY.reply });
    await box.put('p', { channel }, { text: 'the report' }, { priority: PRIORITY.parent });
    slack.releaseAll();
    await slack.waitFor(() => posts(channel).length === 2);
    const parentTs = await box.ts('p');
    expect(posts(channel)[1]?.args).toMatchObject({ text: 'detail', thread_ts: parentTs });
    await slack.waitFor(() => slack.channelView(channel)[0]?.text === 'the report');
    expect(slack.channelView(channel)).toHaveLength(1);
  });

  it('loses and duplicates nothing through a 429 storm with latency, and says so once', async () => {
    const box = await outbox();
    const channel = uniqueName('C');
    slack.setLatency(100);
    slack.rateLimitFor('*', 2500, 1);
    const keys = Array.from({ length: 6 }, (_, i) => `incident:${i}:parent`);
    await Promise.all(keys.map((k) => box.put(k, { channel }, { text: `opened ${k}` }, { priority: PRIORITY.parent })));
    await Promise.all(keys.map((k) => box.put(`${k}:reply`, { channel, threadKey: k }, { text: `detail ${k}` })));
    await Promise.all(keys.map((k) => box.put(k, { channel }, { text: `report ${k}` }, { priority: PRIORITY.parent })));
    await slack.waitFor(() => {
      const view = slack.channelView(channel);
      return view.filter((m) => m.text.startsWith('report ')).length === 6;
    }, 30_000);
    await slack.waitFor(() => posts(channel).filter((c) => c.args.thread_ts !== undefined).length === 6, 30_000);
    expect(slack.rateLimited()).toBeGreaterThan(0);
    const view = slack.channelView(channel);
    expect(view.filter((m) => m.text.startsWith('report '))).toHaveLength(6);
    const notices = view.filter((m) => m.text.includes('rate-limiting us'));
    expect(notices).toHaveLength(1);
    expect(view).toHaveLength(7);
    const texts = posts(channel).map((c) => `${String(c.args.thread_ts)}|${String(c.args.text)}`);
    expect(new Set(texts).size).toBe(texts.length);
  }, 40_000);

  it('uploads a file once per key', async () => {
    const box = await outbox();
    const channel = uniqueName('C');
    await box.put('p', { channel }, { text: 'parent' });
    const file = { filename: 'x.log', title: 'x', content: 'hello' };
    const first = await box.upload('pod-uid:api:3', { channel, threadKey: 'p' }, file);
    const again = await box.upload('pod-uid:api:3', { channel, threadKey: 'p' }, file);
    expect([first, again]).toEqual([true, false]);
    await slack.waitFor(() => slack.callsOf('files.completeUploadExternal').find((c) => c.args.channel_id === channel));
    expect(slack.callsOf('files.completeUploadExternal').filter((c) => c.args.channel_id === channel)).toHaveLength(1);
  });
});
