// The diagnosis job on real BullMQ and Redis, with the real engine, capture and resolution over the
// fixture gateway, posting to the fake Slack: retries never post twice, NOT_FOUND/FORBIDDEN stop at once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { QueueEvents, type Job, type Queue, type Worker } from 'bullmq';
import { WebClient } from '@slack/web-api';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { diagnose, redactText } from '../../diagnostics/index.ts';
import { captureSnapshot } from '../../src/cluster/capture-snapshot.ts';
import { listCrashingPods, resolveTarget } from '../../src/cluster/resolve-target.ts';
import { ClusterError } from '../../src/cluster/types.ts';
import { SlackPoster } from '../../src/slack/post.ts';
import { ActionStateStore } from '../../src/slack/action-state.ts';
import { RedisPacer, type Pacer } from '../../src/slack/pacer.ts';
import { startOutbox } from '../../src/slack/outbox-runner.ts';
import { webClientOutboxSlack } from '../../src/slack/outbox-slack.ts';
import { createOutboxStore } from '../../src/slack/outbox-store.ts';
import { createDiagnosisProcessor, incidentOf } from '../../src/queue/diagnosis-processor.ts';
import { classifyError, PermanentJobError, RetryableJobError } from '../../src/queue/errors.ts';
import { createDiagnosisQueue } from '../../src/queue/queues.ts';
import { startDiagnosisWorker } from '../../src/queue/worker.ts';
import type { DiagnosisJobData } from '../../src/queue/types.ts';
import { isSlackResponseUrl } from '../../src/queue/job-schema.ts';

const noPacing: Pacer = { wait: async () => 0 };
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
  for (const step of cleanup.splice(0).reverse()) await step();
});

afterAll(async () => {
  await redis.quit();
  await slack.close();
  await redisServer.stop();
});

interface Harness {
  queue: Queue<DiagnosisJobData>;
  events: QueueEvents;
  gateway: FixtureGateway;
  channel: string;
}

async function harness(): Promise<Harness> {
  const cluster = uniqueName('cl');
  const prefix = uniqueName('q');
  const gateway = FixtureGateway.fromSnapshots(
    [crashingSnapshot({ namespace: 'shop', name: 'web-5c8d7-abcde', container: 'web', deployment: 'web', previousLog: "Error: Cannot find module 'express'" })],
    cluster,
  );
  // No WebClient retries: a Slack 500 fails the outbox attempt and BullMQ retries that message.
  const client = new WebClient('xoxb-test-q', { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const poster = new SlackPoster({ client, redis, pacer: noPacing, prefix });
  const started = await startOutbox({ connection: redis, redis, store: createOutboxStore(redis, { prefix }), slack: webClientOutboxSlack(client), pacer: new RedisPacer(redis, { prefix, intervalMs: 5 }), prefix, parentWaitMs: 50 });
  cleanup.push(() => started.close());
  const processor = createDiagnosisProcessor({ gateway, resolveTarget, captureSnapshot, diagnose, listCrashingPods, redact: redactText, poster, outbox: started.outbox, states: new ActionStateStore(redis, { prefix }), responseUrlAllowed: (url) => isSlackResponseUrl(url, slack.apiUrl) });
  const queue = createDiagnosisQueue(cluster, { connection: redis, prefix, jobOptions: { attempts: 3, backoff: { type: 'fixed', delay: 50 } } });
  const worker: Worker = startDiagnosisWorker(cluster, processor, { connection: redis, prefix });
  const events = new QueueEvents(queue.name, { connection: redis.duplicate(), prefix });
  await events.waitUntilReady();
  cleanup.push(() => queue.close(), () => worker.close(), () => events.close());
  return { queue, events, gateway, channel: uniqueName('C').replace('-', '').toUpperCase() };
}

function job(h: Harness, text: string, responseUrl?: string): DiagnosisJobData {
  return {
    v: 1,
    cluster: h.gateway.cluster,
    target: { text },
    origin: 'slash-command',
    reply: { channel: h.channel, ...(responseUrl === undefined ? {} : { responseUrl }) },
    requestedAt: '2026-11-21T12:00:00Z',
  };
}

async function settle(h: Harness, added: Job<DiagnosisJobData>): Promise<Job<DiagnosisJobData>> {
  await added.waitUntilFinished(h.events).catch(() => undefined);
  const done = await h.queue.getJob(added.id ?? '');
  if (done === undefined) throw new Error('job vanished');
  return done;
}

describe('diagnosis job', () => {
  it('hands the report to the outbox in one attempt; a failed thread reply is retried there, never posted twice', async () => {
    const h = await harness();
    slack.failNext('chat.postMessage', { status: 500 }, 1, (args) => args.channel === h.channel && args.thread_ts !== undefined);
    const done = await settle(h, await h.queue.add('diagnose', job(h, 'shop/web-5c8d7-abcde')));
    expect(await done.getState()).toBe('completed');
    expect(done.attemptsMade).toBe(1);
    expect(done.returnvalue).toMatchObject({ status: 'posted', cause: 'missing-dependency', incident: `${h.gateway.cluster}/shop/Deployment/web` });

    const posts = () => slack.callsOf('chat.postMessage').filter((c) => c.args.channel === h.channel);
    const parents = await slack.waitFor(() => {
      const p = posts().filter((c) => c.args.thread_ts === undefined);
      const replies = posts().filter((c) => c.args.thread_ts !== undefined);
      return p.length === 1 && replies.length >= 2 ? p : undefined;
    });
    const parentTs = parents[0]?.result?.ts;
    const replies = posts().filter((c) => c.args.thread_ts === parentTs).map((c) => c.args.text);
    expect(new Set(replies).size).toBe(replies.length);
    expect(slack.calls.filter((c) => c.args.channel === h.channel && c.status === 500)).toHaveLength(1);
  });

  it.each([
    { why: 'an unknown pod fails at once (no retry) and the user gets suggestions', target: 'shop/web-5c8d7-abcdf', forbidden: false, said: ['could not find', 'web-5c8d7-abcde'] },
    { why: 'a forbidden cluster fails at once and says what access is missing', target: 'shop/web-5c8d7-abcde', forbidden: true, said: ['not allowed'] },
  ])('$why', async ({ target, forbidden, said }) => {
    const h = await harness();
    if (forbidden) h.gateway.fail('FORBIDDEN');
    const responseId = uniqueName('r');
    const done = await settle(h, await h.queue.add('diagnose', job(h, target, slack.responseUrl(responseId))));
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(1);
    const told = slack.responses.filter((r) => r.id === responseId);
    expect(told).toHaveLength(1);
    for (const words of said) expect(String(told[0]?.body.text)).toContain(words);
  });

  it('an unreachable cluster is retried with back-off; the user hears it on the first and the last attempt', async () => {
    const h = await harness();
    h.gateway.fail('UNAVAILABLE');
    const responseId = uniqueName('r');
    const done = await settle(h, await h.queue.add('diagnose', job(h, 'shop/web-5c8d7-abcde', slack.responseUrl(responseId))));
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(3);
    const told = slack.responses.filter((r) => r.id === responseId).map((r) => String(r.body.text));
    expect(told).toHaveLength(2);
    expect(told[0]).toContain('keep trying');
    expect(told[1]).toContain('gave up');
  });

  it('a channel the bot is not in: the outbox stops at once and tells the user how to fix it', async () => {
    const h = await harness();
    slack.failNext('chat.postMessage', { status: 200, error: 'not_in_channel' }, 1, (args) => args.channel === h.channel);
    const responseId = uniqueName('r');
    await settle(h, await h.queue.add('diagnose', job(h, 'shop/web-5c8d7-abcde', slack.responseUrl(responseId))));
    const told = await slack.waitFor(() => {
      const r = slack.responses.filter((x) => x.id === responseId);
      return r.length > 0 ? r : undefined;
    });
    expect(told).toHaveLength(1);
    expect(slack.calls.filter((c) => c.args.channel === h.channel && c.method === 'chat.postMessage')).toHaveLength(1);
    expect(String(told[0]?.body.text)).toContain('/invite @crashloop');
  });

  it('a misspelt name is answered with its suggestions once, not "Did you mean …?. Did you mean …?"', async () => {
    const h = await harness();
    const responseId = uniqueName('r');
    const done = await settle(h, await h.queue.add('diagnose', job(h, 'shop/web-5c8d7-abcdf', slack.responseUrl(responseId))));
    expect(await done.getState()).toBe('failed');
    const text = String(slack.responses.find((r) => r.id === responseId)?.body.text);
    expect(text).toMatch(/Did you mean: [^?]*web-5c8d7-abcde\?/);
    expect(text.match(/Did you mean/g)).toHaveLength(1);
  });

  it('lists crashing pods with Diagnose buttons for mode "list"', async () => {
    const h = await harness();
    const responseId = uniqueName('r');
    const done = await settle(h, await h.queue.add('diagnose', { ...job(h, '', slack.responseUrl(responseId)), mode: 'list' }));
    expect(done.returnvalue).toEqual({ status: 'listed', count: 1 });
    expect(JSON.stringify(slack.responses.find((r) => r.id === responseId)?.body.blocks)).toContain('crashloop_diagnose');
  });
});

describe('classifyError', () => {
  it.each([
    ['NOT_FOUND', PermanentJobError],
    ['FORBIDDEN', PermanentJobError],
    ['UNAUTHORIZED', PermanentJobError],
    ['BAD_REQUEST', PermanentJobError],
    ['TIMEOUT', RetryableJobError],
    ['UNAVAILABLE', RetryableJobError],
    ['CONFLICT', RetryableJobError],
  ] as const)('%s', (code, kind) => {
    const classified = classifyError(new ClusterError(code, 'x'));
    expect(classified).toBeInstanceOf(kind);
    expect(classified.code).toBe(code);
  });

  it('retries anything unexpected', () => {
    expect(classifyError(new Error('socket hang up'))).toBeInstanceOf(RetryableJobError);
  });
});

describe('incidentOf', () => {
  it('keys the incident on the top owner, or the pod without one', () => {
    expect(incidentOf('prod', crashingSnapshot({ namespace: 'a', name: 'p', deployment: 'd' }))).toEqual({ cluster: 'prod', namespace: 'a', workload: 'Deployment/d' });
    expect(incidentOf('prod', crashingSnapshot({ namespace: 'a', name: 'p' }))).toEqual({ cluster: 'prod', namespace: 'a', workload: 'Pod/p' });
  });
});
