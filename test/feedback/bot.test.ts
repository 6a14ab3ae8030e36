// The "Wrong diagnosis?" loop end to end: the real Bolt server with signed requests, real Redis and
// BullMQ workers, the real engine over a fixture gateway, Slack as the local fake. A reader's report
// carries the button; an outsider is refused ephemerally; the reader's label is stored once, redacted,
// audited in the thread, the log and the audit stream; `crashloop feedback export` turns it into a
// corpus fixture the loader and the engine accept.
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { freePort, startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../support/fake-slack.ts';
import { blockActionBody, postSigned, slashCommandBody } from '../support/signing.ts';
import { viewSubmissionBody } from '../support/view-submission.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { loadConfig } from '../../src/config.ts';
import { startBot, type RunningBot } from '../../src/main.ts';
import { createBotActionExecutor } from '../../src/actions/bot-executor.ts';
import { createLogger } from '../../src/log/logger.ts';
import { createFeedbackStore } from '../../src/feedback/store.ts';
import { FEEDBACK_ACTION_ID, FEEDBACK_VIEW_ID } from '../../src/feedback/types.ts';
import { main } from '../../src/cli/main.ts';
import { CAUSE_IDS, type Snapshot } from '../../diagnostics/types.ts';
import { diagnose } from '../../diagnostics/index.ts';
import { loadCorpus } from '../fixtures/corpus/load.ts';

const SECRET = 's3cr3t-test-signing';
const CLUSTER = 'fb-prod';
const CHANNEL = 'C0SHARED';
const ALICE = 'UALICE01';
const OUTSIDER = 'UOUTSIDE1';
const POD = 'vault-6f7d9-qwert';
// Fake secrets in the pod's log and in the clicker's note: none may be stored or exported.
const LOG_SECRET = 'hunter2-fake-log-pw-8841';
const NOTE_SECRET = 'fake-note-pw-7710';
const LOG = [`connecting to db with password=${LOG_SECRET}`, ...Array.from({ length: 50 }, (_, i) => `info: work ${i}`), "Error: Cannot find module 'vault-plugin'"].join('\n');

let redis: TestRedis;
let client: Redis;
let slack: FakeSlack;
let bot: RunningBot;
let base: string;
let prefix: string;
const logLines: string[] = [];

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
  slack = await startFakeSlack();
  const gateway = FixtureGateway.fromSnapshots([crashingSnapshot({ namespace: 'restricted-x', name: POD, container: 'vault', deployment: 'vault', previousLog: LOG })], CLUSTER);
  const dir = await mkdtemp(join(tmpdir(), 'crashloop-feedback-'));
  const policyFile = join(dir, 'policy.yaml');
  await writeFile(policyFile, `defaultRead: []\nrules:\n  - namespaces: ["restricted-*"]\n    read: ["${ALICE}"]\n`);
  prefix = uniqueName('feedback');
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-0000',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    PORT: '0',
    METRICS_PORT: '0',
    CLUSTER_NAME: CLUSTER,
    CRASHLOOP_REDIS_PREFIX: prefix,
    CRASHLOOP_POLICY_FILE: policyFile,
  });
  bot = await startBot({
    config,
    createGateway: () => gateway,
    executor: (ctx) => createBotActionExecutor(ctx, { env: {}, writerFor: () => undefined, logger: { info() {}, warn() {} }, cleanupWorker: false }),
    log: () => undefined,
    logger: createLogger({ level: 'info', destination: { write: (line: string) => logLines.push(line) } }),
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
const buttonsOf = (call: RecordedCall | undefined): { action_id: string; value: string }[] =>
  ((call?.args.blocks ?? []) as { type: string; elements?: { action_id: string; value: string }[] }[]).flatMap((b) => b.elements ?? []);

interface ModalArgs {
  callback_id: string;
  private_metadata: string;
  blocks: { type: string; block_id?: string; element?: { options?: { value: string }[]; initial_option?: { value: string } } }[];
}

let reportId = '';
let reportTs = '';
let metadata = '';

function submission(userId: string, cause: string, note = ''): string {
  return viewSubmissionBody({
    callbackId: FEEDBACK_VIEW_ID,
    privateMetadata: metadata,
    userId,
    values: {
      cause: { cause: { type: 'static_select', selected_option: { value: cause } } },
      container: { container: { type: 'static_select', selected_option: { value: 'vault' } } },
      note: { note: { type: 'plain_text_input', value: note } },
    },
  });
}

async function ackOf(res: Response): Promise<Record<string, unknown>> {
  expect(res.status).toBe(200);
  const raw = await res.text();
  return raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
}

async function auditEntries(): Promise<Record<string, string>[]> {
  const entries = await client.xrange(`${prefix}:audit`, '-', '+');
  return entries.map(([, fields]) => Object.fromEntries(fields.flatMap((_, i) => (i % 2 === 0 ? [[fields[i], fields[i + 1]]] : []))) as Record<string, string>).filter((e) => e.actionId === FEEDBACK_ACTION_ID);
}

describe('"Wrong diagnosis?" (issue 9: a feedback loop from the field)', () => {
  it("puts the button on the reader's report and keeps its redacted snapshot (TTL) in Redis", async () => {
    await postSigned(`${base}/slack/events`, SECRET, slashCommandBody({ text: `restricted-x/${POD}`, userId: ALICE, channelId: CHANNEL, responseUrl: slack.responseUrl() }));
    const report = await slack.waitFor(() => reports()[0], 30_000);
    const button = buttonsOf(report).find((b) => b.action_id === FEEDBACK_ACTION_ID);
    expect(button?.value).toMatch(/^[A-Za-z0-9_-]{10,}$/);
    reportId = button?.value ?? '';
    reportTs = String(report.result?.ts);
    const key = `${prefix}:feedback:snapshot:${reportId}`;
    const kept = (await client.get(key)) ?? '';
    expect(kept).toContain('Cannot find module');
    expect(kept).not.toContain(LOG_SECRET);
    expect(await client.ttl(key)).toBeGreaterThan(0);
  }, 60_000);

  it('refuses an outsider ephemerally (no form, nothing stored, audited)', async () => {
    const responseId = uniqueName('outsider');
    await postSigned(`${base}/slack/events`, SECRET, blockActionBody({ actionId: FEEDBACK_ACTION_ID, value: reportId, userId: OUTSIDER, channelId: CHANNEL, messageTs: reportTs, responseUrl: slack.responseUrl(responseId) }));
    const answer = await slack.waitFor(() => slack.responses.find((r) => r.id === responseId), 30_000);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(String(answer.body.text)).toContain('may not see pods, logs or reports in namespace restricted-x');
    expect(slack.callsOf('views.open')).toHaveLength(0);
    expect((await auditEntries()).some((e) => e.user === OUTSIDER && e.outcome === 'denied' && e.step === 'open')).toBe(true);
  }, 60_000);

  it('opens the form for the reader with every other cause id of the taxonomy and the pod\'s containers', async () => {
    await postSigned(`${base}/slack/events`, SECRET, blockActionBody({ actionId: FEEDBACK_ACTION_ID, value: reportId, userId: ALICE, channelId: CHANNEL, messageTs: reportTs, responseUrl: slack.responseUrl() }));
    const opened = await slack.waitFor(() => slack.callsOf('views.open')[0], 30_000);
    expect(opened.args.trigger_id).toBe('1.2.3');
    const view = opened.args.view as ModalArgs;
    expect(view.callback_id).toBe(FEEDBACK_VIEW_ID);
    const causes = view.blocks.find((b) => b.block_id === 'cause')?.element?.options?.map((o) => o.value) ?? [];
    expect(causes).toEqual(CAUSE_IDS.filter((c) => c !== 'missing-dependency'));
    const containers = view.blocks.find((b) => b.block_id === 'container')?.element;
    expect(containers?.options?.map((o) => o.value)).toEqual(['vault']);
    expect(containers?.initial_option?.value).toBe('vault');
    metadata = view.private_metadata;
    expect(JSON.parse(metadata)).toMatchObject({ s: reportId, c: CHANNEL, m: reportTs });
  }, 60_000);

  it('rejects a cause that is not in the taxonomy on the form itself', async () => {
    const ack = await ackOf(await postSigned(`${base}/slack/events`, SECRET, submission(ALICE, 'cosmic-rays')));
    expect(ack).toMatchObject({ response_action: 'errors', errors: { cause: expect.stringContaining('cause id') } });
    expect(await createFeedbackStore(client, { prefix }).list()).toHaveLength(0);
  }, 60_000);

  it('stores the label once with the redacted snapshot and the engine answer, and says so in the thread', async () => {
    const note = `<!channel> dmesg on the node showed the OOM kill; db password=${NOTE_SECRET}`;
    const ack = await ackOf(await postSigned(`${base}/slack/events`, SECRET, submission(ALICE, 'oom-killed', note)));
    expect(ack).toEqual({});
    const line = await slack.waitFor(() => slack.threadOf(CHANNEL, reportTs).find((c) => String(c.args.text).includes('marked this diagnosis wrong')), 30_000);
    expect(String(line.args.text)).toContain(`<@${ALICE}> marked this diagnosis wrong: expected \`oom-killed\``);
    expect(String(line.args.text)).toContain('the report said `missing-dependency`');
    const posted = JSON.stringify(line.args);
    expect(posted).toContain('&lt;!channel&gt;');
    expect(posted).not.toContain('<!channel>');
    expect(posted).not.toContain(NOTE_SECRET);

    const items = await createFeedbackStore(client, { prefix }).list();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: reportId, user: ALICE, namespace: 'restricted-x', pod: POD, expected: { cause: 'oom-killed', container: 'vault' }, engine: { cause: 'missing-dependency', container: 'vault' } });
    const raw = (await client.get(`${prefix}:feedback:item:${reportId}`)) ?? '';
    expect(raw).not.toContain(LOG_SECRET);
    expect(raw).not.toContain(NOTE_SECRET);
    expect(await client.ttl(`${prefix}:feedback:item:${reportId}`)).toBeGreaterThan(24 * 3600);

    const done = await slack.waitFor(() => logLines.find((l) => l.includes('"feedback audit"') && l.includes('"outcome":"done"') && l.includes('"step":"submit"')), 10_000);
    expect(done).toContain('oom-killed');
    expect((await auditEntries()).some((e) => e.user === ALICE && e.outcome === 'done' && e.step === 'submit' && e.expected === 'oom-killed')).toBe(true);
  }, 60_000);

  it('a second submission (double click, another modal) stores nothing more and says who labelled it', async () => {
    const ack = await ackOf(await postSigned(`${base}/slack/events`, SECRET, submission(ALICE, 'segfault')));
    expect(ack.response_action).toBe('update');
    expect(JSON.stringify(ack.view)).toContain('already marked wrong');
    expect(await createFeedbackStore(client, { prefix }).list()).toHaveLength(1);
    expect((await createFeedbackStore(client, { prefix }).list())[0]?.expected.cause).toBe('oom-killed');
    expect(slack.threadOf(CHANNEL, reportTs).filter((c) => String(c.args.text).includes('marked this diagnosis wrong'))).toHaveLength(1);
    // The button itself now answers at once.
    const responseId = uniqueName('again');
    await postSigned(`${base}/slack/events`, SECRET, blockActionBody({ actionId: FEEDBACK_ACTION_ID, value: reportId, userId: ALICE, channelId: CHANNEL, messageTs: reportTs, responseUrl: slack.responseUrl(responseId) }));
    const answer = await slack.waitFor(() => slack.responses.find((r) => r.id === responseId), 30_000);
    expect(String(answer.body.text)).toContain('already marked wrong');
    expect(slack.callsOf('views.open')).toHaveLength(1);
  }, 60_000);

  it('refuses a signed but malformed submission before Bolt (400), and a form without its report (nothing stored)', async () => {
    const malformed = new URLSearchParams({ payload: JSON.stringify({ type: 'view_submission', user: { id: ALICE }, view: { id: 'V1', callback_id: FEEDBACK_VIEW_ID } }) }).toString();
    expect((await postSigned(`${base}/slack/events`, SECRET, malformed)).status).toBe(400);
    const orphan = viewSubmissionBody({ callbackId: FEEDBACK_VIEW_ID, privateMetadata: '{"s":"../../etc"}', userId: ALICE, values: {} });
    const ack = await ackOf(await postSigned(`${base}/slack/events`, SECRET, orphan));
    expect(JSON.stringify(ack.view)).toContain('could not read this form');
    expect(await createFeedbackStore(client, { prefix }).list()).toHaveLength(1);
  }, 60_000);

  it("refuses an outsider's forged submission of the reader's form", async () => {
    const ack = await ackOf(await postSigned(`${base}/slack/events`, SECRET, submission(OUTSIDER, 'segfault')));
    expect(ack.response_action).toBe('update');
    expect(JSON.stringify(ack.view)).toContain('may not see pods, logs or reports');
    expect(await createFeedbackStore(client, { prefix }).list()).toHaveLength(1);
  }, 60_000);
});

describe('crashloop feedback export', () => {
  function io(env: Record<string, string>): { out: string[]; err: string[]; io: Parameters<typeof main>[1] } {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, stdin: (async function* () {})(), env } };
  }

  it('writes the label as a corpus fixture that loadCorpus and the engine accept, once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crashloop-export-'));
    const run = io({ REDIS_URL: redis.url, CRASHLOOP_REDIS_PREFIX: prefix });
    expect(await main(['feedback', 'export', '--out', dir], run.io)).toBe(0);
    expect(run.out.join('')).toContain('1 fixture written');
    expect(await readdir(dir)).toEqual(['oom-killed']);
    const file = join(dir, 'oom-killed', `feedback-${reportId}.json`);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(LOG_SECRET);
    expect(text).not.toContain(NOTE_SECRET);

    const cases = loadCorpus(dir);
    expect(cases).toHaveLength(1);
    const [c] = cases;
    expect(c?.expected).toMatchObject({ cause: 'oom-killed', container: 'vault', source: `feedback:${reportId}` });
    expect(c?.expected.note).toContain('the engine said missing-dependency');
    expect(c?.expected.note).toContain('dmesg on the node');
    // The engine reads it like any corpus case: here it repeats the production mistake, which is what
    // the case will hold it to once it sits in the corpus.
    const report = diagnose(c?.snapshot as unknown as Snapshot);
    expect(report.pod.name).toBe(POD);
    expect(report.findings[0]?.cause).toBe('missing-dependency');
    const cli = io({});
    expect(await main(['diagnose', '--snapshot', file, '--output', 'json'], cli.io)).toBe(0);
    expect(JSON.parse(cli.out.join('')).findings[0].container).toBe('vault');

    const again = io({ REDIS_URL: redis.url, CRASHLOOP_REDIS_PREFIX: prefix });
    expect(await main(['feedback', 'export', '--out', dir], again.io)).toBe(0);
    expect(again.out.join('')).toContain('0 fixtures written, 1 unchanged');
  }, 60_000);

  it('filters with --since and refuses a bad one (exit 2)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crashloop-export-'));
    const later = io({ REDIS_URL: redis.url, CRASHLOOP_REDIS_PREFIX: prefix });
    expect(await main(['feedback', 'export', '--out', dir, '--since', '2999-01-01'], later.io)).toBe(0);
    expect(later.out.join('')).toContain('No diagnosis was marked wrong since');
    expect(await readdir(dir)).toEqual([]);
    const recent = io({ REDIS_URL: redis.url, CRASHLOOP_REDIS_PREFIX: prefix });
    expect(await main(['feedback', 'export', '--out', dir, '--since', '1h'], recent.io)).toBe(0);
    expect(recent.out.join('')).toContain('1 fixture written');
    const bad = io({ REDIS_URL: redis.url });
    expect(await main(['feedback', 'export', '--since', 'yesterday-ish'], bad.io)).toBe(2);
    expect(bad.err.join('')).toContain('--since must be a date');
  }, 60_000);

  it('says plainly when Redis is unreachable (exit 6, no stack, no password)', async () => {
    const port = await freePort();
    const run = io({ REDIS_URL: `redis://:fake-redis-pw-123@127.0.0.1:${port}` });
    expect(await main(['feedback', 'export', '--out', join(tmpdir(), uniqueName('never'))], run.io)).toBe(6);
    const err = run.err.join('');
    expect(err).toContain(`Redis at 127.0.0.1:${port} is not reachable`);
    expect(err).not.toContain('fake-redis-pw-123');
    expect(err).not.toMatch(/\n\s+at /);
  }, 30_000);
});
