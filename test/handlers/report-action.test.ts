// The report-button listener on the real Bolt server (signed requests), the real action executor on a
// private redis-server, and the fake Slack Web API. Nothing here reaches a cluster: the executor has
// no writer, and the clicks below are refused before one would be needed.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { blockActionBody, postSigned } from '../support/signing.ts';
import { WebClient } from '@slack/web-api';
import { startSlackApp, type RunningSlackApp } from '../../src/app.ts';
import { createActionExecutor, type ActionExecutorHandle } from '../../src/actions/executor.ts';
import { slackFromWebClient } from '../../src/actions/slack-port.ts';
import { ACTION_IDS } from '../../src/actions/types.ts';
import { ActionStateStore } from '../../src/slack/action-state.ts';
import { RedisPacer } from '../../src/slack/pacer.ts';
import { SlackPoster } from '../../src/slack/post.ts';
import { createJobRouter, type JobRouter } from '../../src/queue/queues.ts';
import { PRODUCER_OPTIONS } from '../../src/redis/connect.ts';

const SECRET = 's3cr3t-test-signing';
const CHANNEL = 'C0BUTTONS';

let server: TestRedis;
let redis: Redis;
let slack: FakeSlack;
let app: RunningSlackApp;
let router: JobRouter;
let producer: Redis;
let executor: ActionExecutorHandle;
let states: ActionStateStore;
let prefix: string;
const logLines: Record<string, unknown>[] = [];
let counter = 0;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: 2 });
  slack = await startFakeSlack();
  prefix = uniqueName('report-action');
  const webClient = new WebClient('xoxb-test-0000', { slackApiUrl: slack.apiUrl });
  states = new ActionStateStore(redis, { prefix });
  const poster = new SlackPoster({ client: webClient, redis, pacer: new RedisPacer(redis, { prefix }), prefix });
  executor = createActionExecutor({
    redis,
    prefix,
    states,
    writerFor: () => undefined,
    slack: slackFromWebClient(webClient),
    logger: { info: (line) => void logLines.push(line), warn: (line) => void logLines.push(line) },
  });
  producer = new Redis(server.url, PRODUCER_OPTIONS);
  router = createJobRouter(['c1'], { connection: producer, prefix });
  app = await startSlackApp({ slack: { botToken: 'xoxb-test-0000', signingSecret: SECRET, appToken: undefined, apiUrl: slack.apiUrl }, router, states, poster, executor }, 0);
});

afterAll(async () => {
  await app?.stop();
  await executor?.drain();
  await router?.close();
  producer?.disconnect();
  await slack?.close();
  redis?.disconnect();
  await server?.stop();
});

/** A signed click on its own message ts; resolves that ts, in whose thread the outcome lands. */
async function click(actionId: (typeof ACTION_IDS)[keyof typeof ACTION_IDS], value: string, user = 'U0ALICE'): Promise<string> {
  const ts = `1700000002.${String((counter += 1)).padStart(6, '0')}`;
  const res = await postSigned(`http://127.0.0.1:${app.port}/slack/events`, SECRET, blockActionBody({ actionId, value, userId: user, channelId: CHANNEL, messageTs: ts, responseUrl: slack.responseUrl() }));
  expect(res.status).toBe(200);
  return ts;
}

function repliesIn(ts: string): string[] {
  return slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === ts).map((c) => String(c.args.text));
}

async function auditFor(stateId: string): Promise<Record<string, string>[]> {
  const raw = await redis.xrange(`${prefix}:audit`, '-', '+');
  return raw
    .map(([, fields]) => Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i] ?? '', fields[2 * i + 1] ?? ''])))
    .filter((entry) => entry.stateId === stateId);
}

describe('report-action listener', () => {
  it('audits an expired button three ways: thread message, log line and stream entry', async () => {
    const stateId = uniqueName('gone');
    const ts = await click(ACTION_IDS.rolloutUndo, stateId);
    const [reply] = await slack.waitFor(() => (repliesIn(ts).length > 0 ? repliesIn(ts) : undefined));
    expect(reply).toMatch(/^:hourglass: <@U0ALICE>: .*expired/);
    const entries = await auditFor(stateId);
    expect(entries.map((e) => [e.outcome, e.user, e.actionId, e.channel, e.threadTs])).toEqual([['expired', 'U0ALICE', ACTION_IDS.rolloutUndo, CHANNEL, ts]]);
    const logged = logLines.filter((l) => l.msg === 'action audit' && (l.audit as { stateId?: string }).stateId === stateId);
    expect(logged.map((l) => (l.audit as { outcome: string }).outcome)).toEqual(['expired']);
  });

  it('audits a denied click three ways, and the cluster is never needed', async () => {
    const stateId = await states.save({ v: 1, cluster: 'c1', namespace: 'payments', pod: 'api-1', channel: CHANNEL, threadTs: '1.0', createdAt: new Date().toISOString(), workload: { kind: 'Deployment', name: 'api' } });
    const ts = await click(ACTION_IDS.rolloutUndo, stateId, 'U0MALLORY');
    const [reply] = await slack.waitFor(() => (repliesIn(ts).length > 0 ? repliesIn(ts) : undefined));
    expect(reply).toMatch(/^:no_entry: <@U0MALLORY>: may not run write actions/);
    expect((await auditFor(stateId)).map((e) => e.outcome)).toEqual(['denied']);
  });

  it('refuses a click without a state id with a reason, and nothing reaches the executor', async () => {
    const before = await redis.xlen(`${prefix}:audit`);
    const responseId = uniqueName('bad');
    const res = await postSigned(`http://127.0.0.1:${app.port}/slack/events`, SECRET, blockActionBody({ actionId: ACTION_IDS.previousLogs, value: '', channelId: CHANNEL, responseUrl: slack.responseUrl(responseId) }));
    expect(res.status).toBe(200);
    const response = await slack.waitFor(() => slack.responses.find((r) => r.id === responseId));
    expect(String(response.body.text)).toContain('no state id');
    expect(await redis.xlen(`${prefix}:audit`)).toBe(before);
  });
});
