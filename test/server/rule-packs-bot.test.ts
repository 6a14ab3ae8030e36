// The bot loads operator rule packs from CRASHLOOP_RULES_DIR: the real Bolt server, real Redis and workers, the
// real engine over a fixture ClusterGateway; the posted report's cause and evidence come from the pack. An invalid
// pack stops `crashloop serve` at start-up with every problem listed (exit 2).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { postSigned, slashCommandBody } from '../support/signing.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { loadConfig } from '../../src/config.ts';
import { startBot, type RunningBot } from '../../src/main.ts';
import { serve } from '../../src/cli/serve.ts';

const SECRET = 's3cr3t-test-signing';
const CLUSTER = 'fixture-packs';
const POD = 'billing-7d9f8b6c5-p4ck5';
const PACK = `name: billing
rules:
  - id: tariff-table-missing
    cause: config-file-missing
    title: The tariff table $1 is not mounted
    match:
      substring: BILL-404
      regex: 'tariff table ([\\w.-]+) not found'
    fix: Mount the billing-tariffs ConfigMap at /etc/billing (see the billing runbook).
`;

let redis: TestRedis;
let slack: FakeSlack;
let bot: RunningBot;
let rulesDir: string;

beforeAll(async () => {
  redis = await startRedis();
  slack = await startFakeSlack();
  rulesDir = await mkdtemp(join(tmpdir(), 'bot-packs-'));
  await writeFile(join(rulesDir, 'billing.yaml'), PACK);
  const gateway = FixtureGateway.fromSnapshots(
    [crashingSnapshot({ namespace: 'billing', name: POD, container: 'api', deployment: 'billing', previousLog: 'starting billing 4.2\nERROR BILL-404 tariff table eu-2026.csv not found\nERROR connection refused to 10.0.0.7:5432' })],
    CLUSTER,
  );
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-0000',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    PORT: '0',
    METRICS_PORT: '0',
    CLUSTER_NAME: CLUSTER,
    CRASHLOOP_REDIS_PREFIX: uniqueName('packs'),
    CRASHLOOP_RULES_DIR: rulesDir,
  });
  bot = await startBot({ config, createGateway: () => gateway, log: () => undefined });
});

afterAll(async () => {
  await bot?.close();
  await slack?.close();
  await redis?.stop();
});

describe('rule packs in the bot', () => {
  it('diagnoses with the packs of CRASHLOOP_RULES_DIR: the report names the pack and rule', async () => {
    const res = await postSigned(`http://127.0.0.1:${bot.port}/slack/events`, SECRET, slashCommandBody({ text: `billing/${POD}`, responseUrl: slack.responseUrl(uniqueName('resp')), channelId: 'C0OPS' }));
    expect(res.status).toBe(200);
    const parent = await slack.waitFor(() => slack.callsOf('chat.postMessage').find((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'crashloop_report'));
    expect((parent.args.metadata as { event_payload: { cause: string } }).event_payload.cause).toBe('config-file-missing');
    const posted = await slack.waitFor(() => {
      const text = JSON.stringify(slack.callsOf('chat.postMessage').map((c) => c.args));
      return text.includes('rule pack billing, rule tariff-table-missing') ? text : undefined;
    });
    expect(posted).toContain('tariff table eu-2026.csv');
  }, 60_000);

  it('refuses to start with an invalid pack, listing file:line problems (exit 2)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bot-packs-bad-'));
    await writeFile(join(dir, 'bad.yaml'), 'name: bad\nrules:\n  - id: r\n    cause: no-such-cause\n    title: t\n    match: { substring: abc }\n');
    const err: string[] = [];
    const code = await serve(['--role', 'web'], { stdout: { write: () => true }, stderr: { write: (t: string) => err.push(t) }, env: { SLACK_BOT_TOKEN: 'xoxb-test-ok', SLACK_SIGNING_SECRET: 's3cr3t-test', REDIS_URL: redis.url, PORT: '0', CRASHLOOP_CLUSTERS: 'c', CRASHLOOP_RULES_DIR: dir }, stopSignal: Promise.resolve() });
    expect(code).toBe(2);
    expect(err.join('')).toContain(`${join(dir, 'bad.yaml')}:4: rules[0].cause: must be a cause id from the taxonomy`);
    expect(err.join('')).not.toMatch(/\n\s+at /);
  }, 60_000);
});
