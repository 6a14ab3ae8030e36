// The worker decides again what a job may touch: from its own config and the policy, never from the
// job. Job data is validated before use. Run on the plain processor with real Redis, the real engine,
// capture and resolution over the fixture gateway, posting to the local Slack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { WebClient } from '@slack/web-api';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { diagnose, redactText } from '../../diagnostics/index.ts';
import { captureSnapshot } from '../../src/cluster/capture-snapshot.ts';
import { listCrashingPods, resolveTarget } from '../../src/cluster/resolve-target.ts';
import { SlackPoster } from '../../src/slack/post.ts';
import { ActionStateStore } from '../../src/slack/action-state.ts';
import { createDiagnosisProcessor, type DiagnosisOutbox } from '../../src/queue/diagnosis-processor.ts';
import { isSlackResponseUrl } from '../../src/queue/job-schema.ts';
import { PermanentJobError } from '../../src/queue/errors.ts';
import { parsePolicy } from '../../src/auth/policy.ts';
import type { DiagnosisJobData } from '../../src/queue/types.ts';

const CLUSTER = 'jobs-prod';
const POD = 'ledger-6f7d9-abcde';
const MARKER = 'ledger-secret-line-4412';
let redisServer: TestRedis;
let redis: Redis;
let slack: FakeSlack;
// Channel messages leave the processor through its outbox (src/slack/outbox.ts); recording what it is
// handed shows at once whether anything would be posted, without waiting for a paced delivery.
const outboxed: { channel: string; key: string; content: unknown }[] = [];
const recordingOutbox: DiagnosisOutbox = {
  put: async (key, target, content) => void outboxed.push({ channel: target.channel, key, content }),
  upload: async (key, target, file) => (outboxed.push({ channel: target.channel, key, content: file }), true),
};

beforeAll(async () => {
  redisServer = await startRedis();
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  slack = await startFakeSlack();
});
afterAll(async () => {
  await redis.quit();
  await slack.close();
  await redisServer.stop();
});

function processor(policyYaml: string, allowedNamespaces?: string[]) {
  const prefix = uniqueName('jobs');
  const gateway = FixtureGateway.fromSnapshots(
    [
      crashingSnapshot({ namespace: 'restricted-x', name: POD, container: 'ledger', deployment: 'ledger', previousLog: `Error: Cannot find module '${MARKER}'` }),
      crashingSnapshot({ namespace: 'shop', name: 'web-5c8d7-abcde', container: 'web', deployment: 'web', previousLog: "Error: Cannot find module 'express'" }),
    ],
    CLUSTER,
  );
  const client = new WebClient('xoxb-test-q', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  const poster = new SlackPoster({ client, redis, pacer: { wait: async () => 0 }, prefix });
  const logs: string[] = [];
  const run = createDiagnosisProcessor({
    gateway, resolveTarget, captureSnapshot, diagnose, listCrashingPods, redact: redactText, poster, outbox: recordingOutbox,
    states: new ActionStateStore(redis, { prefix }),
    policy: parsePolicy(policyYaml),
    ...(allowedNamespaces === undefined ? {} : { allowedNamespaces }),
    responseUrlAllowed: (url) => isSlackResponseUrl(url, slack.apiUrl),
    log: (m) => void logs.push(m),
  });
  return { run: (data: unknown) => run({ id: uniqueName('job'), data: data as DiagnosisJobData, attemptsMade: 0, opts: { attempts: 1 } }), logs };
}

const channel = () => `C0${uniqueName('').slice(1).toUpperCase()}`;
const mentions = (ch: string) => JSON.stringify([...slack.calls.filter((c) => c.args.channel === ch || c.args.channel_id === ch), ...outboxed.filter((o) => o.channel === ch)]);
const RESTRICTED = 'defaultRead: []\nrules: [{namespaces: ["restricted-*"], read: ["UALICE1"]}]';

describe('jobs read back from Redis', () => {
  it('a job forged for the outsider (retargeted namespace, legacy allowedNamespaces: ["*"]) is refused and posts nothing', async () => {
    const ch = channel();
    const responseId = uniqueName('r');
    const p = processor(RESTRICTED);
    const data = { v: 1, cluster: CLUSTER, target: { text: `restricted-x/${POD}` }, origin: 'slash-command', reply: { channel: ch, userId: 'UOUT999', responseUrl: slack.responseUrl(responseId) }, requestedBy: 'UOUT999', requestedAt: '2026-12-07T00:00:00Z', allowedNamespaces: ['*'] };
    await expect(p.run(data)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const told = await slack.waitFor(() => slack.responses.find((r) => r.id === responseId));
    expect(String(told.body.text)).toContain('may not see pods, logs or reports in namespace restricted-x');
    expect(mentions(ch)).toBe('[]');
    expect(JSON.stringify(told)).not.toContain(MARKER);
  });

  it('the same job for the reader posts the report (the control case)', async () => {
    const ch = channel();
    const p = processor(RESTRICTED);
    const result = await p.run({ v: 1, cluster: CLUSTER, target: { text: `restricted-x/${POD}` }, origin: 'slash-command', reply: { channel: ch, userId: 'UALICE1' }, requestedBy: 'UALICE1', requestedAt: '2026-12-07T00:00:00Z' });
    expect(result).toMatchObject({ status: 'posted', channel: ch });
  });

  it("the worker's own CRASHLOOP_ALLOWED_NAMESPACES bounds a job, whatever the job says", async () => {
    const ch = channel();
    const p = processor('', ['shop']);
    await expect(p.run({ v: 1, cluster: CLUSTER, target: { text: `restricted-x/${POD}` }, origin: 'slash-command', reply: { channel: ch }, requestedBy: 'UALICE1', requestedAt: '2026-12-07T00:00:00Z', allowedNamespaces: ['*'] })).rejects.toBeInstanceOf(PermanentJobError);
    expect(mentions(ch)).toContain('not one this bot may look at');
    expect(mentions(ch)).not.toContain(MARKER);
  });

  it.each([
    ['not an object', 'restricted-x'],
    ['a channel that is not a channel id', { v: 1, cluster: CLUSTER, target: { text: 'shop/web-5c8d7-abcde' }, origin: 'button', reply: { channel: '#general' }, requestedBy: 'UALICE1', requestedAt: 'x' }],
    ['an unknown origin', { v: 1, cluster: CLUSTER, target: { text: 'shop/web-5c8d7-abcde' }, origin: 'cron', reply: { channel: 'C0ABC' }, requestedAt: 'x' }],
    ['a namespace that is not a name', { v: 1, cluster: CLUSTER, target: { text: 'web', namespace: 'shop/../x' }, origin: 'button', reply: { channel: 'C0ABC' }, requestedAt: 'x' }],
  ])('drops a job whose data is %s, telling no one', async (_name, data) => {
    const p = processor('');
    const before = slack.calls.length + outboxed.length;
    await expect(p.run(data)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(slack.calls.length + outboxed.length).toBe(before);
    expect(p.logs.join('\n')).toContain('not a valid diagnosis job');
  });

  it('does not post an ephemeral answer to a response URL outside Slack', async () => {
    const ch = channel();
    const p = processor(RESTRICTED);
    await expect(p.run({ v: 1, cluster: CLUSTER, target: { text: '' }, origin: 'slash-command', mode: 'list', reply: { channel: ch, responseUrl: 'https://evil.example/collect' }, requestedBy: 'UALICE1', requestedAt: 'x' })).resolves.toMatchObject({ status: 'listed', count: 1 });
    // The list went to the channel as a thread-less notice instead.
    expect(mentions(ch)).toContain(POD);
  });
});

describe('alerts: the routed channel is the audience', () => {
  it('withholds the report of a namespace not everyone may read, and says so without any pod output', async () => {
    const ch = channel();
    const p = processor(RESTRICTED);
    const alert = { v: 1, cluster: CLUSTER, target: { text: `restricted-x/${POD}` }, origin: 'alertmanager', reply: { channel: ch }, requestedBy: 'fp-123', requestedAt: 'x' };
    await expect(p.run(alert)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(mentions(ch)).toContain('was withheld from this channel');
    expect(mentions(ch)).not.toContain(MARKER);
    expect(slack.callsOf('chat.postMessage').filter((c) => c.args.channel === ch && c.args.metadata !== undefined)).toEqual([]);
  });

  it('posts it where a rule lists the channel', async () => {
    const ch = channel();
    const p = processor(`defaultRead: []\nrules: [{namespaces: ["restricted-*"], read: ["UALICE1"], channels: ["${ch}"]}]`);
    await expect(p.run({ v: 1, cluster: CLUSTER, target: { text: `restricted-x/${POD}` }, origin: 'alertmanager', reply: { channel: ch }, requestedBy: 'fp-1', requestedAt: 'x' })).resolves.toMatchObject({ status: 'posted' });
  });
});
