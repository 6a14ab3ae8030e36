import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { WebClient } from '@slack/web-api';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { SlackPoster } from '../../src/slack/post.ts';
import { RedisPacer } from '../../src/slack/pacer.ts';
import { ActionStateStore, ACTION_STATE_TTL_SECONDS } from '../../src/slack/action-state.ts';
import { renderReport } from '../../src/slack/render/report.ts';
import { sampleReport } from './sample-report.ts';
import { fallbackText } from '../../src/slack/mrkdwn.ts';

let redisServer: TestRedis;
let redis: Redis;
let slack: FakeSlack;

beforeAll(async () => {
  redisServer = await startRedis();
  redis = new Redis(redisServer.url);
  slack = await startFakeSlack();
});

afterAll(async () => {
  await redis.quit();
  await slack.close();
  await redisServer.stop();
});

/** A poster whose pacer records the delays instead of sleeping. */
function poster(delays: number[] = []): SlackPoster {
  const client = new WebClient('xoxb-test-token', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 3, factor: 1, minTimeout: 20, maxTimeout: 50 } });
  const prefix = uniqueName('post');
  const pacer = new RedisPacer(redis, { prefix, now: () => 1_000_000, sleep: async (ms) => void delays.push(ms) });
  return new SlackPoster({ client, redis, pacer, prefix });
}

function messagesIn(channel: string) {
  return slack.callsOf('chat.postMessage').filter((c) => c.args.channel === channel);
}

describe('SlackPoster', () => {
  it('posts a report with its metadata once; a retry with the same key updates it instead', async () => {
    const p = poster();
    const channel = uniqueName('C');
    const message = renderReport(sampleReport(), { cluster: 'prod', incident: 'prod/payments/Deployment/api' });
    const first = await p.postReport('job-1:parent', { channel }, message);
    const second = await p.postReport('job-1:parent', { channel }, message);
    expect(first.reused).toBe(false);
    expect(second).toEqual({ channel, ts: first.ts, reused: true });
    expect(messagesIn(channel)).toHaveLength(1);
    expect(messagesIn(channel)[0]?.args.metadata).toEqual(message.metadata);
    const updates = slack.callsOf('chat.update').filter((c) => c.args.channel === channel);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args.ts).toBe(first.ts);
  });

  it('posts a thread reply once per key', async () => {
    const p = poster();
    const channel = uniqueName('C');
    const msg = { text: fallbackText('detail'), blocks: [] };
    await p.postThreadReply('job-2:reply:0', { channel, threadTs: '1.1' }, msg);
    const again = await p.postThreadReply('job-2:reply:0', { channel, threadTs: '1.1' }, msg);
    await p.postThreadReply('job-2:reply:1', { channel, threadTs: '1.1' }, msg);
    expect(again.reused).toBe(true);
    expect(messagesIn(channel).map((c) => c.args.thread_ts)).toEqual(['1.1', '1.1']);
  });

  it('waits out a 429 with Retry-After and posts exactly once', async () => {
    const p = poster();
    const channel = uniqueName('C');
    slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    await p.postThreadReply('job-3:reply:0', { channel }, { text: fallbackText('after rate limit'), blocks: [] });
    const attempts = slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === channel);
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
  });

  it('retries a 500 and posts exactly once', async () => {
    const p = poster();
    const channel = uniqueName('C');
    slack.failNext('chat.postMessage', { status: 500 }, 2);
    await p.postThreadReply('job-4:reply:0', { channel }, { text: fallbackText('after errors'), blocks: [] });
    const attempts = slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === channel);
    expect(attempts.map((c) => c.status)).toEqual([500, 500, 200]);
  });

  it('uploads a long log with files.uploadV2 into the thread, once', async () => {
    const p = poster();
    const channel = uniqueName('C');
    const content = 'line\n'.repeat(1000);
    await p.uploadFile('job-5:log', { channel, threadTs: '9.9' }, { filename: 'p-app-previous.log', title: fallbackText('ns/p [app] previous logs'), content });
    const again = await p.uploadFile('job-5:log', { channel, threadTs: '9.9' }, { filename: 'p-app-previous.log', title: fallbackText('t'), content });
    expect(again.reused).toBe(true);
    const complete = slack.callsOf('files.completeUploadExternal').filter((c) => c.args.channel_id === channel);
    expect(complete).toHaveLength(1);
    expect(complete[0]?.args.thread_ts).toBe('9.9');
    const files = complete[0]?.args.files as { id: string; title: string }[];
    expect(files[0]?.title).toBe('ns/p [app] previous logs');
    const upload = slack.uploads.find((u) => u.fileId === files[0]?.id);
    expect(upload?.body).toBe(content);
  });

  it('paces posts to about one per second per channel', async () => {
    const delays: number[] = [];
    const p = poster(delays);
    const a = uniqueName('C');
    const b = uniqueName('C');
    for (const channel of [a, a, a, b]) await p.postThreadReply(uniqueName('k'), { channel }, { text: fallbackText('x'), blocks: [] });
    expect(delays).toEqual([0, 1000, 2000, 0]);
  });

  it('answers through a response_url', async () => {
    const p = poster();
    const id = uniqueName('r');
    await p.respond(slack.responseUrl(id), { text: fallbackText('hello'), blocks: [] });
    expect(slack.responses.find((r) => r.id === id)?.body).toMatchObject({ response_type: 'ephemeral', text: 'hello' });
  });
});

describe('ActionStateStore', () => {
  it('keeps button state behind an opaque id for 24 hours', async () => {
    const store = new ActionStateStore(redis, { prefix: uniqueName('state') });
    const state = { v: 1 as const, cluster: 'prod', namespace: 'ns', pod: 'p', channel: 'C1', createdAt: '2026-11-21T12:00:00Z' };
    const id = await store.save(state);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await store.load(id)).toEqual(state);
    const ttl = await store.ttl(id);
    expect(ttl).toBeGreaterThan(ACTION_STATE_TTL_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(ACTION_STATE_TTL_SECONDS);
    expect(await store.update(id, { ...state, threadTs: '1.2' })).toBe(true);
    expect((await store.load(id))?.threadTs).toBe('1.2');
    expect(await store.ttl(id)).toBeGreaterThan(ACTION_STATE_TTL_SECONDS - 60);
    expect(await store.load('unknown-id')).toBeUndefined();
    expect(await store.load('../../etc')).toBeUndefined();
    expect(await store.update('unknown-id', state)).toBe(false);
  });
});
