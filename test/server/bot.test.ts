// The whole bot in-process: the real Bolt server on a random port, real Redis and BullMQ workers, the
// real engine, capture and resolution, over a fixture ClusterGateway; Slack is the local fake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../support/fake-slack.ts';
import { blockActionBody, postSigned, slashCommandBody } from '../support/signing.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { loadConfig } from '../../src/config.ts';
import { startBot, type RunningBot } from '../../src/main.ts';
import { ACTION_IDS } from '../../src/actions/types.ts';

const SECRET = 's3cr3t-test-signing';
const CLUSTER = 'fixture-prod';
const OOM_POD = 'api-7d9f8b6c5-x2x4z';
const LONG_LOG = [...Array.from({ length: 200 }, (_, i) => `info: handled request ${i}`), 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'].join('\n');

let redis: TestRedis;
let slack: FakeSlack;
let gateway: FixtureGateway;
let bot: RunningBot;
let base: string;
const logs: string[] = [];

beforeAll(async () => {
  redis = await startRedis();
  slack = await startFakeSlack();
  gateway = FixtureGateway.fromSnapshots(
    [
      crashingSnapshot({ namespace: 'payments', name: OOM_POD, container: 'api', deployment: 'api', reason: 'OOMKilled', exitCode: 137, memoryLimit: '256Mi', previousLog: LONG_LOG }),
      crashingSnapshot({ namespace: 'shop', name: 'web-5c8d7-abcde', container: 'web', deployment: 'web', previousLog: "Error: Cannot find module 'express'" }),
    ],
    CLUSTER,
  );
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-0000',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    PORT: '0',
    CLUSTER_NAME: CLUSTER,
    CRASHLOOP_REDIS_PREFIX: uniqueName('bot'),
  });
  bot = await startBot({ config, createGateway: () => gateway, log: (m, e) => void logs.push(`${m} ${String(e)}`) });
  base = `http://127.0.0.1:${bot.port}`;
});

afterAll(async () => {
  await bot?.close();
  await slack?.close();
  await redis?.stop();
});

function reportsFor(pod: string): RecordedCall[] {
  return slack.callsOf('chat.postMessage').filter((c) => {
    const meta = c.args.metadata as { event_type?: string; event_payload?: { pod?: string } } | undefined;
    return meta?.event_type === 'crashloop_report' && meta.event_payload?.pod === pod;
  });
}

async function command(text: string, responseId = uniqueName('resp')): Promise<{ status: number; body: Record<string, unknown>; responseId: string }> {
  const res = await postSigned(`${base}/slack/events`, SECRET, slashCommandBody({ text, responseUrl: slack.responseUrl(responseId), channelId: 'C0OPS' }));
  const raw = await res.text();
  return { status: res.status, body: raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>), responseId };
}

function buttonsOf(blocks: unknown): { action_id: string; value: string }[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.flatMap((b: { type?: string; elements?: { action_id: string; value: string }[] }) => (b.type === 'actions' ? (b.elements ?? []) : []));
}

describe('crashloop bot', () => {
  it('acks /crashloop ns/pod at once, then posts one threaded report whose metadata names the cause', async () => {
    const ack = await command(`payments/${OOM_POD}`);
    expect(ack.status).toBe(200);
    expect(ack.body.response_type).toBe('ephemeral');
    expect(String(ack.body.text)).toContain(`Diagnosing payments/${OOM_POD}`);

    const [parent] = await slack.waitFor(() => (reportsFor(OOM_POD).length > 0 ? reportsFor(OOM_POD) : undefined));
    expect(parent?.args.channel).toBe('C0OPS');
    expect(parent?.args.thread_ts).toBeUndefined();
    expect(parent?.args.metadata).toEqual({
      event_type: 'crashloop_report',
      event_payload: { cause: 'oom-killed', container: 'api', namespace: 'payments', pod: OOM_POD, cluster: CLUSTER, incident: `${CLUSTER}/payments/Deployment/api` },
    });
    const ids = buttonsOf(parent?.args.blocks).map((b) => b.action_id);
    expect(ids).toContain(ACTION_IDS.previousLogs);
    expect(ids).toContain(ACTION_IDS.sleepOverride);

    // The thread: details as replies to the parent, and the long log as a file.
    const complete = await slack.waitFor(() => slack.callsOf('files.completeUploadExternal').find((c) => c.args.channel_id === 'C0OPS'));
    const threadTs = complete.args.thread_ts;
    expect(typeof threadTs).toBe('string');
    const replies = slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === threadTs);
    expect(replies.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(replies.map((r) => r.args.blocks))).toContain('JavaScript heap out of memory');
    expect(JSON.stringify(replies.map((r) => r.args.blocks))).toContain('kubectl');
    expect(slack.uploads.some((u) => u.body.includes('handled request 199'))).toBe(true);
    expect(reportsFor(OOM_POD)).toHaveLength(1);
  }, 60_000);

  it('rejects a bad signature and a stale timestamp with 401', async () => {
    const body = slashCommandBody({ text: 'payments/x', responseUrl: slack.responseUrl() });
    const bad = await postSigned(`${base}/slack/events`, SECRET, body, { signature: 'v0=' + '0'.repeat(64) });
    expect(bad.status).toBe(401);
    const wrongSecret = await postSigned(`${base}/slack/events`, 'not-the-secret', body);
    expect(wrongSecret.status).toBe(401);
    const stale = await postSigned(`${base}/slack/events`, SECRET, body, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(stale.status).toBe(401);
  });

  it('answers /crashloop help in the ack', async () => {
    const ack = await command('help');
    expect(ack.status).toBe(200);
    expect(String(ack.body.text)).toContain('/crashloop namespace/pod');
  });

  it('tells the user about an unknown pod, with suggestions', async () => {
    const ack = await command('api-7d9f8b6c5-x2x4y -n payments');
    expect(ack.status).toBe(200);
    const response = await slack.waitFor(() => slack.responses.find((r) => r.id === ack.responseId));
    expect(String(response.body.text)).toContain('could not find');
    expect(JSON.stringify(response.body)).toContain(OOM_POD);
  });

  it('lists the crashing pods for /crashloop alone, and Diagnose posts a report', async () => {
    const ack = await command('');
    expect(String(ack.body.text)).toContain('Looking for crashing pods');
    const list = await slack.waitFor(() => slack.responses.find((r) => r.id === ack.responseId));
    const diagnose = buttonsOf(list.body.blocks).filter((b) => b.action_id === ACTION_IDS.diagnose);
    expect(diagnose).toHaveLength(2);
    expect(JSON.stringify(list.body.blocks)).toContain('shop/web-5c8d7-abcde');

    for (const button of diagnose) {
      const click = await postSigned(`${base}/slack/events`, SECRET, blockActionBody({ actionId: button.action_id, value: button.value, responseUrl: slack.responseUrl(), channelId: 'C0OPS' }));
      expect(click.status).toBe(200);
    }
    const [report] = await slack.waitFor(() => (reportsFor('web-5c8d7-abcde').length > 0 ? reportsFor('web-5c8d7-abcde') : undefined));
    expect((report?.args.metadata as { event_payload: { cause: string } }).event_payload.cause).toBe('missing-dependency');
  });

  it('replies "not available yet" in the thread for a report button, and "expired" for unknown state', async () => {
    const [parent] = await slack.waitFor(() => (reportsFor(OOM_POD).length > 0 ? reportsFor(OOM_POD) : undefined));
    const logsButton = buttonsOf(parent?.args.blocks).find((b) => b.action_id === ACTION_IDS.previousLogs);
    expect(logsButton).toBeDefined();
    const threadTs = '1700000000.999999';
    const click = await postSigned(
      `${base}/slack/events`,
      SECRET,
      blockActionBody({ actionId: ACTION_IDS.previousLogs, value: logsButton?.value ?? '', responseUrl: slack.responseUrl(), channelId: 'C0OPS', messageTs: threadTs }),
    );
    expect(click.status).toBe(200);
    const reply = await slack.waitFor(() => slack.callsOf('chat.postMessage').find((c) => c.args.thread_ts === threadTs));
    expect(String(reply.args.text)).toContain('not available yet');

    const expiredTs = '1700000000.999998';
    await postSigned(`${base}/slack/events`, SECRET, blockActionBody({ actionId: ACTION_IDS.rolloutUndo, value: 'no-such-state', responseUrl: slack.responseUrl(), channelId: 'C0OPS', messageTs: expiredTs }));
    const expired = await slack.waitFor(() => slack.callsOf('chat.postMessage').find((c) => c.args.thread_ts === expiredTs));
    expect(String(expired.args.text)).toMatch(/^:hourglass: <@U0TEST>: .*expired/);
  });

  it('diagnoses a deployment by name (/crashloop <deployment> -n ns)', async () => {
    const before = reportsFor('web-5c8d7-abcde').length;
    const ack = await command('web -n shop');
    expect(ack.status).toBe(200);
    await slack.waitFor(() => reportsFor('web-5c8d7-abcde').length > before);
    const latest = reportsFor('web-5c8d7-abcde').at(-1);
    expect(latest?.args.metadata).toMatchObject({ event_payload: { namespace: 'shop', cause: 'missing-dependency', incident: `${CLUSTER}/shop/Deployment/web` } });
  }, 60_000);

  it('serves /healthz and /readyz', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('says when the cluster is unreachable, retries with back-off, and posts once it answers', async () => {
    gateway.fail('UNAVAILABLE');
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    // The public port says only that it is not ready; which check failed, and why, is in the logs.
    expect(await notReady.json()).toEqual({ status: 'not ready', workers: { [CLUSTER]: expect.stringMatching(/^(live|none|unknown)$/) } });
    expect(logs.some((l) => l.includes(`readiness check "cluster ${CLUSTER}" failed`))).toBe(true);

    const before = reportsFor(OOM_POD).length;
    const ack = await command(`payments/${OOM_POD}`);
    expect(ack.status).toBe(200);
    const notice = await slack.waitFor(() => slack.responses.find((r) => r.id === ack.responseId));
    expect(String(notice.body.text)).toContain('not reachable');
    expect(String(notice.body.text)).toContain('keep trying');
    gateway.heal();
    await slack.waitFor(() => reportsFor(OOM_POD).length > before, 20_000);
    expect(reportsFor(OOM_POD)).toHaveLength(before + 1);
  }, 60_000);
});
