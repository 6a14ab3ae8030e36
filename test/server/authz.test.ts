// The issue-8 reproduction, end to end: the real Bolt server with signed requests, real Redis and
// BullMQ workers, the real engine over a fixture gateway, Slack as the local fake. With `defaultRead: []`
// and one user granted read on `restricted-*`, an outsider gets nothing out of any path.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../support/fake-slack.ts';
import { blockActionBody, postSigned, slashCommandBody } from '../support/signing.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { loadConfig } from '../../src/config.ts';
import { startBot, type RunningBot } from '../../src/main.ts';
import { ACTION_IDS } from '../../src/actions/types.ts';
import { createBotActionExecutor } from '../../src/actions/bot-executor.ts';
import { createOutboxStore } from '../../src/slack/outbox-store.ts';
import { ActionStateStore } from '../../src/slack/action-state.ts';
import { diagnosisQueueName } from '../../src/queue/types.ts';

const SECRET = 's3cr3t-test-signing';
const CLUSTER = 'authz-prod';
const CHANNEL = 'C0SHARED';
const ALICE = 'UALICE01';
const OUTSIDER = 'UOUTSIDE1';
const POD = 'vault-6f7d9-qwert';
const MARKER = 'restricted-decisive-line-7731';
const LOG = [...Array.from({ length: 200 }, (_, i) => `info: restricted work ${i}`), `Error: Cannot find module '${MARKER}'`].join('\n');

let redis: TestRedis;
let client: Redis;
let slack: FakeSlack;
let bot: RunningBot;
let base: string;
let prefix: string;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
  slack = await startFakeSlack();
  const gateway = FixtureGateway.fromSnapshots([crashingSnapshot({ namespace: 'restricted-x', name: POD, container: 'vault', deployment: 'vault', previousLog: LOG })], CLUSTER);
  const dir = await mkdtemp(join(tmpdir(), 'crashloop-authz-'));
  const policyFile = join(dir, 'policy.yaml');
  await writeFile(policyFile, `defaultRead: []\nrules:\n  - namespaces: ["restricted-*"]\n    read: ["${ALICE}"]\n`);
  prefix = uniqueName('authz');
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-0000',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    PORT: '0',
    CLUSTER_NAME: CLUSTER,
    CRASHLOOP_REDIS_PREFIX: prefix,
    CRASHLOOP_POLICY_FILE: policyFile,
  });
  bot = await startBot({
    config,
    createGateway: () => gateway,
    // The real executor; no writer: a denied click must never get as far as asking for one.
    executor: (ctx) => createBotActionExecutor(ctx, { env: {}, writerFor: () => undefined, logger: { info() {}, warn() {} }, cleanupWorker: false }),
    log: () => undefined,
  });
  base = `http://127.0.0.1:${bot.port}`;
});

afterAll(async () => {
  await bot?.close();
  client?.disconnect();
  await slack?.close();
  await redis?.stop();
});

const reports = (): RecordedCall[] => slack.callsOf('chat.postMessage').filter((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'crashloop_report');
const markerSeen = (): boolean => JSON.stringify(slack.calls).includes(MARKER) || slack.uploads.some((u) => u.body.includes(MARKER)) || JSON.stringify(slack.responses).includes(MARKER);

async function command(text: string, userId: string): Promise<{ body: Record<string, unknown>; responseId: string }> {
  const responseId = uniqueName('resp');
  const res = await postSigned(`${base}/slack/events`, SECRET, slashCommandBody({ text, userId, channelId: CHANNEL, responseUrl: slack.responseUrl(responseId) }));
  expect(res.status).toBe(200);
  const raw = await res.text();
  return { body: raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>), responseId };
}

async function jobsQueued(): Promise<number> {
  const connection = client.duplicate();
  const queue = new Queue(diagnosisQueueName(CLUSTER), { connection, prefix });
  try {
    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

describe('read authorization on every path (issue 8, item 2)', () => {
  it("denies the outsider's /crashloop restricted-x/pod in the ack: nothing queued, nothing posted", async () => {
    const denied = await command(`restricted-x/${POD}`, OUTSIDER);
    expect(denied.body.response_type).toBe('ephemeral');
    expect(String(denied.body.text)).toContain('may not see pods, logs or reports in namespace restricted-x');
    expect(await jobsQueued()).toBe(0);

    // The reader gets the report, which is the barrier: by then an outsider's job would have run too.
    await command(`restricted-x/${POD}`, ALICE);
    await slack.waitFor(() => slack.uploads.some((u) => u.body.includes(MARKER)), 30_000);
    expect(reports()).toHaveLength(1);
    expect(await jobsQueued()).toBe(1);
  }, 60_000);

  it('an outsider naming the pod without its namespace learns nothing (the worker looks only where they may read)', async () => {
    const before = { reports: reports().length, uploads: slack.uploads.length };
    const ack = await command(POD, OUTSIDER);
    const answer = await slack.waitFor(() => slack.responses.find((r) => r.id === ack.responseId), 30_000);
    expect(String(answer.body.text)).toContain('could not find');
    expect(JSON.stringify(answer.body)).not.toContain('restricted-x');
    expect(reports()).toHaveLength(before.reports);
    expect(slack.uploads).toHaveLength(before.uploads);
  }, 60_000);

  it("the outsider's list of crashing pods is empty; Alice's names the pod", async () => {
    const mine = await command('', OUTSIDER);
    const empty = await slack.waitFor(() => slack.responses.find((r) => r.id === mine.responseId), 30_000);
    expect(JSON.stringify(empty.body)).not.toContain(POD);
    const hers = await command('', ALICE);
    const list = await slack.waitFor(() => slack.responses.find((r) => r.id === hers.responseId), 30_000);
    expect(JSON.stringify(list.body)).toContain(`restricted-x/${POD}`);
  }, 60_000);

  it("denies the outsider's Diagnose and Previous-logs clicks on the reader's buttons, and a click from another channel", async () => {
    const states = new ActionStateStore(client, { prefix });
    const [report] = reports();
    const buttons = (report?.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).flatMap((b) => b.elements ?? []);
    const logs = buttons.find((b) => b.action_id === ACTION_IDS.previousLogs);
    expect(logs).toBeDefined();
    // The state is bound to the report's message; the click comes from that message.
    const bound = await states.load(logs?.value ?? '');
    const reportTs = (bound?.messageKey === undefined ? undefined : await createOutboxStore(client, { prefix }).ts(bound.messageKey)) ?? '';
    expect(reportTs).toMatch(/^\d+\.\d+$/);
    const queuedBefore = await jobsQueued();

    const logsClick = await postSigned(`${base}/slack/events`, SECRET, blockActionBody({ actionId: ACTION_IDS.previousLogs, value: logs?.value ?? '', userId: OUTSIDER, channelId: CHANNEL, messageTs: reportTs, responseUrl: slack.responseUrl() }));
    expect(logsClick.status).toBe(200);
    const deniedLine = await slack.waitFor(() => slack.callsOf('chat.postMessage').find((c) => String(c.args.text).startsWith(`:no_entry: <@${OUTSIDER}>`)), 30_000);
    expect(String(deniedLine.args.text)).toContain('restricted-x');

    // The same state from a Diagnose button, clicked by the outsider: refused at click time.
    const diagnoseState = await states.save({ v: 1, cluster: CLUSTER, namespace: 'restricted-x', pod: POD, channel: CHANNEL, createdAt: new Date().toISOString() });
    const responseId = uniqueName('click');
    await postSigned(`${base}/slack/events`, SECRET, blockActionBody({ actionId: ACTION_IDS.diagnose, value: diagnoseState, userId: OUTSIDER, channelId: CHANNEL, responseUrl: slack.responseUrl(responseId) }));
    const answer = await slack.waitFor(() => slack.responses.find((r) => r.id === responseId), 30_000);
    expect(String(answer.body.text)).toContain('may not see pods, logs or reports in namespace restricted-x');

    // Alice's own button, clicked from another channel: the state is bound to where it was posted.
    const elsewhere = uniqueName('elsewhere');
    await postSigned(`${base}/slack/events`, SECRET, blockActionBody({ actionId: ACTION_IDS.diagnose, value: diagnoseState, userId: ALICE, channelId: 'C0OTHER', responseUrl: slack.responseUrl(elsewhere) }));
    const refused = await slack.waitFor(() => slack.responses.find((r) => r.id === elsewhere), 30_000);
    expect(String(refused.body.text)).toContain('does not belong to this message');

    expect(await jobsQueued()).toBe(queuedBefore);
    expect(reports()).toHaveLength(1);
    expect(slack.uploads.filter((u) => u.body.includes(MARKER))).toHaveLength(1);
  }, 60_000);

  it('never sent the restricted log to anyone but the reader', () => {
    // Alice's one report is in the shared channel by her choice; nothing with the marker went anywhere else.
    const withMarker = slack.calls.filter((c) => JSON.stringify(c.args).includes(MARKER));
    expect(withMarker.every((c) => c.args.channel === CHANNEL || c.args.channel_id === CHANNEL)).toBe(true);
    expect(markerSeen()).toBe(true);
  });
});
