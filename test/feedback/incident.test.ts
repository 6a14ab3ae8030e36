// "Wrong diagnosis?" on an Alertmanager incident: the parent message (edited in place into the report)
// carries the button; a signed click on the parent opens the form and the label lands in its thread.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startBot, type RunningBot } from '../../src/main.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { blockActionBody, postSigned } from '../support/signing.ts';
import { viewSubmissionBody } from '../support/view-submission.ts';
import { crashLoopAlert, payload } from '../alertmanager/fixtures.ts';
import { post, TOKEN } from '../alertmanager/harness.ts';
import { createFeedbackStore } from '../../src/feedback/store.ts';
import { FEEDBACK_ACTION_ID, FEEDBACK_VIEW_ID } from '../../src/feedback/types.ts';

const CLUSTER = 'fb-alerts';
const SECRET = 's3cr3t-test-signing';
let redis: TestRedis;
let client: Redis;
let slack: FakeSlack;
let bot: RunningBot;
let prefix: string;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
  slack = await startFakeSlack();
  const gateway = FixtureGateway.fromSnapshots([crashingSnapshot({ namespace: 'shop', name: 'web-7d9f8b6c5-bcdfg', container: 'web', deployment: 'web', previousLog: "Error: Cannot find module 'express'" })], CLUSTER);
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-0000',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    PORT: '0',
    METRICS_PORT: '0',
    CLUSTER_NAME: CLUSTER,
    CRASHLOOP_REDIS_PREFIX: (prefix = uniqueName('fbinc')),
    ALERTMANAGER_TOKEN: TOKEN,
    ALERT_CHANNEL: 'C0ALERTS',
  });
  bot = await startBot({ config, createGateway: () => gateway, log: () => undefined });
});

afterAll(async () => {
  await bot?.close();
  client?.disconnect();
  await slack?.close();
  await redis?.stop();
});

describe('"Wrong diagnosis?" on an incident parent', () => {
  it('labels the diagnosis the parent shows, and says so in its thread', async () => {
    const res = await post(`http://127.0.0.1:${bot.port}/alertmanager`, payload([crashLoopAlert({ namespace: 'shop', pod: 'web-7d9f8b6c5-bcdfg', container: 'web' })]));
    expect(res.status).toBe(200);
    const parent = await slack.waitFor(() => slack.channelView('C0ALERTS').find((m) => JSON.stringify(m.blocks).includes(FEEDBACK_ACTION_ID)), 30_000);
    expect(JSON.stringify(parent.blocks)).toContain('missing-dependency');
    const elements = (parent.blocks as { elements?: { action_id: string; value: string }[] }[]).flatMap((b) => b.elements ?? []);
    const reportId = elements.find((e) => e.action_id === FEEDBACK_ACTION_ID)?.value ?? '';

    await postSigned(`http://127.0.0.1:${bot.port}/slack/events`, SECRET, blockActionBody({ actionId: FEEDBACK_ACTION_ID, value: reportId, userId: 'UBOB00001', channelId: 'C0ALERTS', messageTs: parent.ts, responseUrl: slack.responseUrl() }));
    const opened = await slack.waitFor(() => slack.callsOf('views.open')[0], 30_000);
    const metadata = (opened.args.view as { private_metadata: string }).private_metadata;
    const ack = await postSigned(
      `http://127.0.0.1:${bot.port}/slack/events`,
      SECRET,
      viewSubmissionBody({
        callbackId: FEEDBACK_VIEW_ID,
        privateMetadata: metadata,
        userId: 'UBOB00001',
        values: { cause: { cause: { type: 'static_select', selected_option: { value: 'config-file-missing' } } }, container: { container: { type: 'static_select', selected_option: { value: 'web' } } }, note: { note: { type: 'plain_text_input', value: null } } },
      }),
    );
    expect(ack.status).toBe(200);
    expect(await ack.text()).toBe('');
    const line = await slack.waitFor(() => slack.threadOf('C0ALERTS', parent.ts).find((c) => String(c.args.text).includes('marked this diagnosis wrong')), 30_000);
    expect(String(line.args.text)).toContain('<@UBOB00001> marked this diagnosis wrong: expected `config-file-missing` (the report said `missing-dependency`)');
    const [item] = await createFeedbackStore(client, { prefix }).list();
    expect(item).toMatchObject({ id: reportId, channel: 'C0ALERTS', threadTs: parent.ts, namespace: 'shop', expected: { cause: 'config-file-missing', container: 'web', note: '' } });
  }, 60_000);
});
