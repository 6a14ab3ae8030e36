// Black-box feedback loop: the real `crashloop serve` process against the kwok cluster, a private Redis
// and the fake Slack Web API. A report of a real captured pod carries "Wrong diagnosis?"; a signed click
// opens the form, a signed submission stores the label and posts the thread line, and the real
// `crashloop feedback export` process writes a fixture that `crashloop diagnose --snapshot` reads.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScenario, clusterEnv, deleteNamespace, newNamespace, scenario, waitForScenario } from '../cluster/harness.ts';
import { freePort, startRedis, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { reportMessages, startServe, type ServeProcess } from '../support/serve-process.ts';
import { blockActionBody, postSigned, slashCommandBody } from '../support/signing.ts';
import { viewSubmissionBody } from '../support/view-submission.ts';
import { FEEDBACK_ACTION_ID, FEEDBACK_VIEW_ID } from '../../src/feedback/types.ts';
import { loadCorpus } from '../fixtures/corpus/load.ts';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SECRET = 's3cr3t-test-e2e-feedback';
const s = scenario('missing-module');

let namespace: string;
let redis: TestRedis;
let slack: FakeSlack;
let bot: ServeProcess;
let port: number;

beforeAll(async () => {
  namespace = await newNamespace('feedback-serve');
  await applyScenario(s.name, namespace);
  await waitForScenario(namespace, s);
  redis = await startRedis();
  slack = await startFakeSlack();
  port = await freePort();
  const env = clusterEnv({ SLACK_API_URL: slack.apiUrl, SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-e2e', REDIS_URL: redis.url, PORT: String(port), CRASHLOOP_REDIS_PREFIX: redis.prefix });
  delete env.CLUSTER_NAME;
  delete env.SLACK_APP_TOKEN;
  bot = await startServe(env, slack);
});

afterAll(async () => {
  await bot?.kill();
  await slack?.close();
  await redis?.stop();
  if (namespace !== undefined) await deleteNamespace(namespace);
});

describe('"Wrong diagnosis?" through crashloop serve and crashloop feedback export (kwok cluster)', () => {
  it('labels a live report and exports it as a fixture the CLI diagnoses', async () => {
    const events = `http://127.0.0.1:${port}/slack/events`;
    await postSigned(events, SECRET, slashCommandBody({ text: `${namespace}/${s.pod}`, responseUrl: slack.responseUrl('fb'), channelId: 'C0OPS', userId: 'UALICE01' }));
    const [report] = await slack.waitFor(() => (reportMessages(slack).length > 0 ? reportMessages(slack) : undefined), 60_000);
    const reportTs = String(report?.result?.ts);
    const elements = ((report?.args.blocks ?? []) as { elements?: { action_id: string; value: string }[] }[]).flatMap((b) => b.elements ?? []);
    const reportId = elements.find((e) => e.action_id === FEEDBACK_ACTION_ID)?.value ?? '';
    expect(reportId).not.toBe('');

    await postSigned(events, SECRET, blockActionBody({ actionId: FEEDBACK_ACTION_ID, value: reportId, userId: 'UALICE01', channelId: 'C0OPS', messageTs: reportTs, responseUrl: slack.responseUrl() }));
    const opened = await slack.waitFor(() => slack.callsOf('views.open')[0], 30_000);
    const view = opened.args.view as { private_metadata: string };
    const submitted = await postSigned(
      events,
      SECRET,
      viewSubmissionBody({
        callbackId: FEEDBACK_VIEW_ID,
        privateMetadata: view.private_metadata,
        userId: 'UALICE01',
        values: {
          cause: { cause: { type: 'static_select', selected_option: { value: 'config-file-missing' } } },
          container: { container: { type: 'static_select', selected_option: { value: s.container } } },
          note: { note: { type: 'plain_text_input', value: 'the module path came from a missing config file' } },
        },
      }),
    );
    expect(submitted.status).toBe(200);
    expect(await submitted.text()).toBe('');
    const line = await slack.waitFor(() => slack.threadOf('C0OPS', reportTs).find((c) => String(c.args.text).includes('marked this diagnosis wrong')), 30_000);
    expect(String(line.args.text)).toContain(`expected \`config-file-missing\` (the report said \`${s.expectedCause}\`)`);

    const dir = await mkdtemp(join(tmpdir(), 'crashloop-feedback-e2e-'));
    const env = { ...process.env, REDIS_URL: redis.url, CRASHLOOP_REDIS_PREFIX: redis.prefix };
    const exported = await run(process.execPath, [join(root, 'bin/crashloop.js'), 'feedback', 'export', '--out', dir, '--since', '1h'], { env, cwd: root });
    expect(exported.stdout).toContain('1 fixture written');
    expect(await readdir(dir)).toEqual(['config-file-missing']);
    const [c] = loadCorpus(dir);
    expect(c?.expected).toMatchObject({ cause: 'config-file-missing', container: s.container, source: `feedback:${reportId}` });
    const file = c?.file ?? '';
    const diagnosed = await run(process.execPath, [join(root, 'bin/crashloop.js'), 'diagnose', '--snapshot', file, '--output', 'json'], { env, cwd: root });
    const json = JSON.parse(diagnosed.stdout) as { pod: { namespace: string; name: string }; findings: { cause: string; container: string }[] };
    expect(json.pod).toMatchObject({ namespace, name: s.pod });
    // The fixture reproduces what the report said on the live pod: the mistake the case now pins.
    expect(json.findings[0]).toMatchObject({ cause: s.expectedCause, container: s.container });
  }, 180_000);
});
