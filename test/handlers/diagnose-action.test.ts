// The Diagnose button on the real Bolt server (signed requests) with real Redis: when the job queue is
// out of reach the user hears it in plain words, and a click without a state id is refused with a reason.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { blockActionBody, postSigned } from '../support/signing.ts';
import { WebClient } from '@slack/web-api';
import { startSlackApp, type RunningSlackApp } from '../../src/app.ts';
import { ACTION_IDS } from '../../src/actions/types.ts';
import { ActionStateStore } from '../../src/slack/action-state.ts';
import { NotAvailableExecutor } from '../../src/slack/not-available-executor.ts';
import { RedisPacer } from '../../src/slack/pacer.ts';
import { SlackPoster } from '../../src/slack/post.ts';
import { createJobRouter, type JobRouter } from '../../src/queue/queues.ts';

const SECRET = 's3cr3t-test-signing';

let server: TestRedis;
let redis: Redis;
let slack: FakeSlack;
let app: RunningSlackApp;
let deadRouter: JobRouter;
let deadConnection: Redis;
let states: ActionStateStore;
const logged: string[] = [];

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: 2 });
  slack = await startFakeSlack();
  const prefix = uniqueName('diagnose-action');
  states = new ActionStateStore(redis, { prefix });
  const poster = new SlackPoster({ client: new WebClient('xoxb-test-0000', { slackApiUrl: slack.apiUrl }), redis, pacer: new RedisPacer(redis, { prefix }), prefix });
  // The job queue's Redis is down: nothing listens on this port.
  deadConnection = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: null, lazyConnect: true });
  deadConnection.on('error', () => undefined);
  deadRouter = createJobRouter(['c1'], { connection: deadConnection, prefix });
  deadRouter.queueFor('c1').on('error', () => undefined);
  app = await startSlackApp(
    { slack: { botToken: 'xoxb-test-0000', signingSecret: SECRET, appToken: undefined, apiUrl: slack.apiUrl }, router: deadRouter, states, poster, executor: new NotAvailableExecutor(states), log: (m) => void logged.push(m) },
    0,
  );
});

afterAll(async () => {
  await app?.stop();
  deadConnection?.disconnect();
  await slack?.close();
  redis?.disconnect();
  await server?.stop();
});

async function click(value: string): Promise<string> {
  const responseId = uniqueName('resp');
  const res = await postSigned(`http://127.0.0.1:${app.port}/slack/events`, SECRET, blockActionBody({ actionId: ACTION_IDS.diagnose, value, responseUrl: slack.responseUrl(responseId) }));
  expect(res.status).toBe(200);
  const response = await slack.waitFor(() => slack.responses.find((r) => r.id === responseId));
  return String(response.body.text);
}

describe('Diagnose button listener', () => {
  it('tells the user when the job queue is unreachable instead of only logging it', async () => {
    const stateId = await states.save({ v: 1, cluster: 'c1', namespace: 'shop', pod: 'web-1', channel: 'C0TEST', createdAt: new Date().toISOString() });
    expect(await click(stateId)).toContain('could not queue the diagnosis');
    expect(logged).toContain('could not queue a diagnosis from the Diagnose button');
  });

  it('refuses a click without a state id, with the reason', async () => {
    const text = await click('');
    expect(text).toContain('could not read this button click');
    expect(text).toContain('no state id');
  });
});
