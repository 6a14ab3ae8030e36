// The whole bot for button e2e tests: the real Bolt server (startBot) with the real action executor, a
// private redis-server, the fake Slack Web API and the kwok cluster; plus signed-click helpers.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { cluster, deleteNamespace, kubectlJson, newNamespace, waitFor } from '../../cluster/harness.ts';
import { startRedis, uniqueName, type TestRedis } from '../../support/redis.ts';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../../support/fake-slack.ts';
import { blockActionBody, postSigned } from '../../support/signing.ts';
import { loadConfig } from '../../../src/config.ts';
import { startBot, type RunningBot } from '../../../src/main.ts';
import { createKubeGateway } from '../../../src/cluster/kube-gateway.ts';
import { createBotActionExecutor } from '../../../src/actions/bot-executor.ts';
import type { ActionId } from '../../../src/actions/types.ts';
import { ActionStateStore, type ActionState } from '../../../src/slack/action-state.ts';
import type { JsonObject } from '../../../src/actions/json.ts';
import type { ActionSettings } from '../../../src/actions/context.ts';

export const SECRET = 's3cr3t-test-signing';
export const CLUSTER = 'kwok-e2e';
export const CHANNEL = 'C0OPS';
export const THREAD = '1700000000.000001';
/** Granted debug and write in actions-* by the test policy. */
export const OPS = 'UOPS0001';
export const INTRUDER = 'UINTRUDER1';

const OUTCOME = /^:(white_check_mark|no_entry|repeat|hourglass|x): <@(\w+)>: /;

export interface ButtonBot {
  ns: string;
  twinNs: string;
  prefix: string;
  redis: Redis;
  slack: FakeSlack;
  base: string;
  states: ActionStateStore;
  state(extra: Partial<ActionState>): ActionState;
  /** Outcome lines the report-action listener posted in the thread. */
  outcomes(): RecordedCall[];
  /**
   * A signed click; resolves the outcome line posted for it. Each click comes from its own message ts,
   * unless `messageTs` names the message carrying the button (a state bound to its report message).
   */
  click(actionId: ActionId, stateId: string, user?: string, messageTs?: string): Promise<string>;
  /**
   * A signed click whose answer goes to the clicker only (nothing executed): resolves the ephemeral text
   * posted on the click's response_url.
   */
  clickEphemeral(actionId: ActionId, stateId: string, user?: string, messageTs?: string): Promise<string>;
  /** One click delivered twice (same payload and action_ts), as Slack retries it; resolves its message ts. */
  clickTwice(actionId: ActionId, stateId: string, user?: string): Promise<string>;
  /** The audit outcomes recorded for a state id, once there are at least `count`, sorted. */
  auditOutcomes(stateId: string, count: number): Promise<string[]>;
  /** A fresh message ts: replies to a click land in its thread, so they can be told apart. */
  nextTs(): string;
  /** Outcome lines posted in the thread of `ts`. */
  outcomesIn(ts: string): string[];
  messagesContaining(text: string): RecordedCall[];
  slashCommand(text: string): Promise<void>;
  close(): Promise<void>;
}

/** `settings` override the executor's (e.g. a short duplicateWaitMs to force a retry to race the click). */
export async function startButtonBot(options: { settings?: Partial<ActionSettings> } = {}): Promise<ButtonBot> {
  const redisServer: TestRedis = await startRedis();
  const redis = new Redis(redisServer.url);
  const slack = await startFakeSlack();
  const ns = await newNamespace('actions');
  const twinNs = await newNamespace('actions-twin');
  const prefix = uniqueName('actions');
  const dir = await mkdtemp(join(tmpdir(), 'crashloop-policy-'));
  const policyFile = join(dir, 'policy.yaml');
  await writeFile(policyFile, `rules:\n  - namespaces: ["actions-*"]\n    debug: ["${OPS}"]\n    write: ["${OPS}"]\n`);
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-0000',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redisServer.url,
    PORT: '0',
    CLUSTER_NAME: CLUSTER,
    CRASHLOOP_REDIS_PREFIX: prefix,
    CRASHLOOP_POLICY_FILE: policyFile,
    // No /metrics listener: parallel test processes would race for the default port.
    METRICS_PORT: '0',
  });
  const kubeconfig = cluster().kubeconfig;
  const bot: RunningBot = await startBot({
    config,
    createGateway: () => createKubeGateway({ kubeconfig, clusterName: CLUSTER }),
    executor: (ctx) =>
      createBotActionExecutor(ctx, {
        env: {},
        kube: { kubeconfig },
        logger: { info() {}, warn() {} },
        overrides: { settings: { debugTtlSeconds: 20, followPollMs: 250, followTimeoutMs: 60_000, ...options.settings } },
      }),
  });
  const base = `http://127.0.0.1:${bot.port}`;
  const states = new ActionStateStore(redis, { prefix });
  const outcomes = (): RecordedCall[] => slack.callsOf('chat.postMessage').filter((c) => OUTCOME.test(String(c.args.text)));
  const outcomesIn = (ts: string): string[] => outcomes().filter((c) => c.args.thread_ts === ts).map((c) => String(c.args.text));
  let counter = 0;
  const nextTs = (): string => `1700000001.${String((counter += 1)).padStart(6, '0')}`;

  return {
    ns,
    twinNs,
    prefix,
    redis,
    slack,
    base,
    states,
    state: (extra) => ({ v: 1, cluster: CLUSTER, namespace: ns, pod: 'unused', channel: CHANNEL, threadTs: THREAD, createdAt: new Date().toISOString(), ...extra }),
    outcomes,
    outcomesIn,
    nextTs,
    async click(actionId, stateId, user = OPS, messageTs) {
      const ts = messageTs ?? nextTs();
      const before = outcomesIn(ts).length;
      const res = await postSigned(`${base}/slack/events`, SECRET, blockActionBody({ actionId, value: stateId, userId: user, channelId: CHANNEL, messageTs: ts, responseUrl: slack.responseUrl() }));
      expect(res.status).toBe(200);
      const lines = await slack.waitFor(() => (outcomesIn(ts).length > before ? outcomesIn(ts) : undefined), 90_000);
      return lines[before] ?? '';
    },
    async clickEphemeral(actionId, stateId, user = OPS, messageTs) {
      const ts = messageTs ?? nextTs();
      const responseId = uniqueName('ephemeral');
      const res = await postSigned(`${base}/slack/events`, SECRET, blockActionBody({ actionId, value: stateId, userId: user, channelId: CHANNEL, messageTs: ts, responseUrl: slack.responseUrl(responseId) }));
      expect(res.status).toBe(200);
      const response = await slack.waitFor(() => slack.responses.find((r) => r.id === responseId), 90_000);
      expect(response.body.response_type).toBe('ephemeral');
      return String(response.body.text);
    },
    async clickTwice(actionId, stateId, user = OPS) {
      const ts = nextTs();
      const body = blockActionBody({ actionId, value: stateId, userId: user, channelId: CHANNEL, messageTs: ts, responseUrl: slack.responseUrl() });
      for (let attempt = 0; attempt < 2; attempt += 1) expect((await postSigned(`${base}/slack/events`, SECRET, body)).status).toBe(200);
      return ts;
    },
    auditOutcomes: (stateId, count) =>
      waitFor(async () => {
        const mine = (await redis.xrange(`${prefix}:audit`, '-', '+')).filter(([, f]) => f.includes(stateId));
        return mine.length >= count ? mine.map(([, f]) => f[f.indexOf('outcome') + 1] ?? '').sort() : undefined;
      }, { what: `${count} audit entries for state ${stateId}` }),
    messagesContaining: (text) => slack.callsOf('chat.postMessage').filter((c) => String(c.args.text).includes(text)),
    async slashCommand(text) {
      const body = new URLSearchParams({
        token: 'legacy-verification-token-test', team_id: 'T0TEST', team_domain: 'test', channel_id: CHANNEL, channel_name: 'ops',
        user_id: OPS, user_name: 'ops', command: '/crashloop', text, api_app_id: 'A0TEST', response_url: slack.responseUrl(), trigger_id: '1.2.3',
      }).toString();
      const res = await postSigned(`${base}/slack/events`, SECRET, body);
      expect(res.status).toBe(200);
    },
    async close() {
      // The bot owns the executor and closes it.
      await bot.close();
      await slack.close();
      redis.disconnect();
      await redisServer.stop();
      await deleteNamespace(ns);
      await deleteNamespace(twinNs);
    },
  };
}

export function buttonValue(call: RecordedCall | undefined, actionId: ActionId): string {
  const blocks = (call?.args.blocks ?? []) as { type?: string; elements?: { action_id?: string; value?: string }[] }[];
  for (const b of blocks) for (const e of b.elements ?? []) if (e.action_id === actionId && e.value !== undefined) return e.value;
  throw new Error(`no ${actionId} button in ${JSON.stringify(blocks)}`);
}

export async function deploymentJson(namespace: string, name: string): Promise<JsonObject> {
  return kubectlJson<JsonObject>(['-n', namespace, 'get', 'deployment', name]);
}

/** Everything a write could change (status moves on its own as pods come and go). */
export function writable(obj: JsonObject): string {
  const meta = obj.metadata as JsonObject;
  return JSON.stringify({ generation: meta.generation, annotations: meta.annotations, labels: meta.labels, spec: obj.spec });
}
