// The report-button listener on the real Bolt server (signed requests), the real action executor on a
// private redis-server, the real Slack outbox and incident store, and the fake Slack Web API. Nothing
// here reaches a cluster: the executor has no writer, and every click below is either refused before one
// would be needed or one that needs none (acknowledge, mute). What the clicker sees ephemerally (the
// response_url posts), what the channel shows (posts and edits) and that nothing executed are asserted.
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
import { parsePolicy } from '../../src/auth/policy.ts';
import { createIncidentStore, type IncidentStore } from '../../src/incidents/store.ts';
import { parentKey, renderParent } from '../../src/incidents/parent-message.ts';
import { startOutbox } from '../../src/slack/outbox-runner.ts';
import { createOutboxStore } from '../../src/slack/outbox-store.ts';
import { webClientOutboxSlack } from '../../src/slack/outbox-slack.ts';
import { PRIORITY, type Outbox } from '../../src/slack/outbox.ts';
import type { IncidentKey } from '../../src/queue/types.ts';

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
let outbox: Outbox;
let closeOutbox: () => Promise<void>;
let incidents: IncidentStore;
let queueConnection: Redis;
let clusterLookups = 0;
const logLines: Record<string, unknown>[] = [];
let counter = 0;
/** May roll back in shop (the policy below); everyone reads. */
const OPS = 'U0OPS';

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: 2 });
  slack = await startFakeSlack();
  prefix = uniqueName('report-action');
  const webClient = new WebClient('xoxb-test-0000', { slackApiUrl: slack.apiUrl });
  states = new ActionStateStore(redis, { prefix });
  const poster = new SlackPoster({ client: webClient, redis, pacer: new RedisPacer(redis, { prefix }), prefix });
  queueConnection = new Redis(server.url, { maxRetriesPerRequest: null });
  queueConnection.on('error', () => undefined);
  const outboxWeb = new WebClient('xoxb-test-0000', { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const started = await startOutbox({ connection: queueConnection, redis: queueConnection, store: createOutboxStore(queueConnection, { prefix }), slack: webClientOutboxSlack(outboxWeb), pacer: new RedisPacer(queueConnection, { prefix, intervalMs: 5 }), prefix });
  outbox = started.outbox;
  closeOutbox = () => started.close(true);
  incidents = createIncidentStore(redis, { prefix });
  executor = createActionExecutor({
    redis,
    prefix,
    states,
    writerFor: () => {
      clusterLookups += 1;
      return undefined;
    },
    slack: slackFromWebClient(webClient),
    policy: parsePolicy(`rules:\n  - namespaces: ["shop"]\n    write: ["${OPS}"]\n`),
    incidents,
    parents: outbox,
    logger: { info: (line) => void logLines.push(line), warn: (line) => void logLines.push(line) },
  });
  producer = new Redis(server.url, PRODUCER_OPTIONS);
  router = createJobRouter(['c1'], { connection: producer, prefix });
  app = await startSlackApp({ slack: { botToken: 'xoxb-test-0000', signingSecret: SECRET, appToken: undefined, apiUrl: slack.apiUrl }, router, states, poster, executor }, 0);
});

afterAll(async () => {
  await app?.stop();
  await executor?.drain();
  await closeOutbox?.();
  queueConnection?.disconnect();
  await router?.close();
  producer?.disconnect();
  await slack?.close();
  redis?.disconnect();
  await server?.stop();
});

/** A signed click on message `ts` (default: a fresh one); `responseId` names its response_url. */
async function clickOn(actionId: (typeof ACTION_IDS)[keyof typeof ACTION_IDS], value: string, user: string, messageTs?: string): Promise<{ ts: string; responseId: string }> {
  const ts = messageTs ?? `1700000002.${String((counter += 1)).padStart(6, '0')}`;
  const responseId = uniqueName('resp');
  const res = await postSigned(`http://127.0.0.1:${app.port}/slack/events`, SECRET, blockActionBody({ actionId, value, userId: user, channelId: CHANNEL, messageTs: ts, responseUrl: slack.responseUrl(responseId) }));
  expect(res.status).toBe(200);
  return { ts, responseId };
}

/** What the clicker alone saw: the ephemeral answer on the click's response_url. */
async function ephemeral(responseId: string): Promise<string> {
  const response = await slack.waitFor(() => slack.responses.find((r) => r.id === responseId));
  expect(response.body.response_type).toBe('ephemeral');
  expect(response.body.replace_original).toBe(false);
  return String(response.body.text);
}

/** An open incident whose parent the outbox posted, with buttons bound to it; resolves its ts. */
async function openIncident(workload: string, openedMinutesAgo = 14): Promise<{ key: IncidentKey; stateId: string; parentTs: string }> {
  const key: IncidentKey = { cluster: 'c1', namespace: 'shop', workload: `Deployment/${workload}` };
  const now = new Date();
  await incidents.recordFiring(key, { channel: CHANNEL, fingerprint: `fp-${workload}`, startsAt: new Date(now.getTime() - openedMinutesAgo * 60_000).toISOString(), alertname: 'KubePodCrashLooping', restartBand: 1, container: 'app' }, now);
  const stateId = await states.save({ v: 1, cluster: 'c1', namespace: 'shop', pod: `${workload}-6d9f-abcde`, container: 'app', workload: { kind: 'Deployment', name: workload }, toRevision: 1, revision: 2, channel: CHANNEL, incident: key, messageKey: parentKey(key), createdAt: now.toISOString() });
  await incidents.setDiagnosis(key, { cause: 'oom-killed', title: 'app was OOM-killed', container: 'app', pod: `${workload}-6d9f-abcde`, namespace: 'shop', fix: 'Raise the memory limit.', confidence: 0.9, diagnosedAt: now.toISOString(), stateId, rollbackRevision: 1, currentRevision: 2 }, `sig-${workload}`);
  await refreshParent(key);
  let parentTs = await outbox.ts(parentKey(key));
  for (let i = 0; parentTs === undefined && i < 600; i += 1) {
    await new Promise((r) => setTimeout(r, 25));
    parentTs = await outbox.ts(parentKey(key));
  }
  if (parentTs === undefined) throw new Error('the outbox never posted the parent');
  return { key, stateId, parentTs };
}

async function refreshParent(key: IncidentKey): Promise<void> {
  const incident = await incidents.get(key);
  if (incident === undefined) throw new Error('no incident');
  await outbox.put(parentKey(key), { channel: CHANNEL }, renderParent(incident, new Date()), { priority: PRIORITY.parent });
}

/** The parent as the channel shows it now: the latest post or edit of its ts. */
function parentView(ts: string): { text: string; blocks: string } {
  const latest = slack.calls.filter((c) => c.status === 200 && ((c.method === 'chat.update' && c.args.ts === ts) || (c.method === 'chat.postMessage' && (c.result as { ts?: string } | undefined)?.ts === ts))).at(-1);
  return { text: String(latest?.args.text ?? ''), blocks: JSON.stringify(latest?.args.blocks ?? []) };
}

function buttonsOf(ts: string): string[] {
  const blocks = JSON.parse(parentView(ts).blocks) as { type: string; elements?: { action_id?: string }[] }[];
  return blocks.filter((b) => b.type === 'actions').flatMap((b) => (b.elements ?? []).map((e) => e.action_id ?? ''));
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
  it('answers an expired button to the clicker only, and audits it in the log and the stream', async () => {
    const stateId = uniqueName('gone');
    const { ts, responseId } = await clickOn(ACTION_IDS.rolloutUndo, stateId, 'U0ALICE');
    expect(await ephemeral(responseId)).toMatch(/^:hourglass: <@U0ALICE>: this button has expired .*nothing was done/);
    const entries = await auditFor(stateId);
    expect(entries.map((e) => [e.outcome, e.user, e.actionId, e.channel, e.threadTs])).toEqual([['expired', 'U0ALICE', ACTION_IDS.rolloutUndo, CHANNEL, ts]]);
    const logged = logLines.filter((l) => l.msg === 'action audit' && (l.audit as { stateId?: string }).stateId === stateId);
    expect(logged.map((l) => (l.audit as { outcome: string }).outcome)).toEqual(['expired']);
    // The audit is written after the answer is decided: by now a thread line would have been posted.
    expect(repliesIn(ts)).toEqual([]);
  });

  it('tells a denied clicker why privately, keeps a short audit line in the thread, and never needs the cluster', async () => {
    const lookups = clusterLookups;
    const stateId = await states.save({ v: 1, cluster: 'c1', namespace: 'payments', pod: 'api-1', channel: CHANNEL, threadTs: '1.0', createdAt: new Date().toISOString(), workload: { kind: 'Deployment', name: 'api' } });
    const { ts, responseId } = await clickOn(ACTION_IDS.rolloutUndo, stateId, 'U0MALLORY');
    expect(await ephemeral(responseId)).toMatch(/^:no_entry: <@U0MALLORY>: may not run write actions/);
    const [line] = await slack.waitFor(() => (repliesIn(ts).length > 0 ? repliesIn(ts) : undefined));
    expect(line).toBe(':no_entry: <@U0MALLORY>: was refused "Roll back" on deployment/api in payments (c1) (not allowed by the bot\'s policy); nothing was done.');
    // The policy's reason (the rule to add) is not in the public thread.
    expect(repliesIn(ts).join('\n')).not.toContain('write: [');
    expect((await auditFor(stateId)).map((e) => e.outcome)).toEqual(['denied']);
    expect(clusterLookups).toBe(lookups);
  });

  it('Acknowledge marks the parent "@bob is on it"; Mute says who muted it, stops new posts, and Unmute ends it', async () => {
    const { key, stateId, parentTs } = await openIncident('cart');
    expect(buttonsOf(parentTs)).toEqual([ACTION_IDS.previousLogs, ACTION_IDS.sleepOverride, ACTION_IDS.debugCopy, ACTION_IDS.rolloutUndo, ACTION_IDS.acknowledge, ACTION_IDS.muteHour, ACTION_IDS.muteResolved]);

    await clickOn(ACTION_IDS.acknowledge, stateId, 'U0BOB', parentTs);
    const acked = await slack.waitFor(() => (parentView(parentTs).blocks.includes('<@U0BOB> is on it') ? parentView(parentTs) : undefined));
    expect(acked.blocks).toContain('cart');
    const [ackLine] = await slack.waitFor(() => (repliesIn(parentTs).length > 0 ? repliesIn(parentTs) : undefined));
    expect(ackLine).toBe(':white_check_mark: <@U0BOB>: is on it: acknowledged Deployment/cart in shop');

    await clickOn(ACTION_IDS.muteHour, stateId, 'U0CAROL', parentTs);
    const muted = await slack.waitFor(() => (parentView(parentTs).blocks.includes('muted by <@U0CAROL>') ? parentView(parentTs) : undefined));
    expect(muted.blocks).toContain('<@U0BOB> is on it');
    expect(buttonsOf(parentTs)).toContain(ACTION_IDS.unmute);
    expect(buttonsOf(parentTs)).not.toContain(ACTION_IDS.muteHour);
    // Both writers of new posts (the webhook's notes, the worker's replies) take from this budget first.
    expect(await incidents.takeReplies(key, 3, new Date())).toBe(0);
    expect(await incidents.isMuted(key, new Date())).toBe(true);
    expect((await incidents.get(key))?.folded).toBe(3);

    await clickOn(ACTION_IDS.unmute, stateId, 'U0CAROL', parentTs);
    await slack.waitFor(() => (buttonsOf(parentTs).includes(ACTION_IDS.muteHour) ? true : undefined));
    expect(parentView(parentTs).blocks).not.toContain('muted by');
    expect(await incidents.takeReplies(key, 1, new Date())).toBe(1);
    expect((await auditFor(stateId)).map((e) => [e.actionId, e.actionClass, e.outcome])).toEqual([
      [ACTION_IDS.acknowledge, 'read', 'done'],
      [ACTION_IDS.muteHour, 'read', 'done'],
      [ACTION_IDS.unmute, 'read', 'done'],
    ]);
  });

  it('a mute until resolved ends with the incident', async () => {
    const { key, stateId, parentTs } = await openIncident('queue');
    await clickOn(ACTION_IDS.muteResolved, stateId, 'U0CAROL', parentTs);
    await slack.waitFor(() => (parentView(parentTs).blocks.includes('until it resolves') ? true : undefined));
    expect(await incidents.takeReplies(key, 1, new Date())).toBe(0);
    expect((await incidents.recordResolved(key, 'fp-queue', new Date())).kind).toBe('resolved');
    expect(await incidents.isMuted(key, new Date())).toBe(false);
  });

  it('a click on a resolved incident tells the clicker why and executes nothing; the resolved parent has no buttons', async () => {
    const { key, stateId, parentTs } = await openIncident('billing', 14);
    expect((await incidents.recordResolved(key, 'fp-billing', new Date())).kind).toBe('resolved');
    await refreshParent(key);
    const resolved = await slack.waitFor(() => (parentView(parentTs).text.includes('resolved') ? parentView(parentTs) : undefined));
    expect(resolved.text).toContain('resolved after 14 min');
    expect(buttonsOf(parentTs)).toEqual([]);

    // A click that was already on its way (or from an old copy of the message) does nothing.
    const lookups = clusterLookups;
    const { responseId } = await clickOn(ACTION_IDS.rolloutUndo, stateId, OPS, parentTs);
    expect(await ephemeral(responseId)).toMatch(/^:hourglass: <@U0OPS>: Deployment\/billing in shop \(c1\) is resolved \(after 14 min\), so this report's "Roll back" did nothing/);
    const ack = await clickOn(ACTION_IDS.acknowledge, stateId, 'U0BOB', parentTs);
    expect(await ephemeral(ack.responseId)).toContain('is resolved');
    expect((await auditFor(stateId)).map((e) => e.outcome)).toEqual(['stale', 'stale']);
    expect(clusterLookups).toBe(lookups);
    expect(repliesIn(parentTs)).toEqual([]);
    expect((await incidents.get(key))?.acknowledged).toBeUndefined();
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
