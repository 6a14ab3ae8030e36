// The report buttons end to end: signed block_actions clicks on the real Bolt server (startBot), the real
// executor on a real redis-server, a real kwok control plane; Slack is the local fake.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScenario, cluster, deleteNamespace, kubectl, kubectlJson, newNamespace, waitFor, waitForScenario } from '../cluster/harness.ts';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../support/fake-slack.ts';
import { blockActionBody, postSigned } from '../support/signing.ts';
import { loadConfig } from '../../src/config.ts';
import { startBot, type RunningBot } from '../../src/main.ts';
import { createKubeGateway } from '../../src/cluster/kube-gateway.ts';
import { createBotActionExecutor } from '../../src/actions/bot-executor.ts';
import { createActionExecutor } from '../../src/actions/executor.ts';
import { KubeClusterWriter } from '../../src/cluster/actions/cluster-writer.ts';
import { parsePolicy } from '../../src/auth/policy.ts';
import { ACTION_IDS, type ActionId } from '../../src/actions/types.ts';
import { ActionStateStore, type ActionState } from '../../src/slack/action-state.ts';
import type { JsonObject } from '../../src/actions/json.ts';
import { rolloutView, withHistory } from '../actions/support/workloads.ts';

const SECRET = 's3cr3t-test-signing';
const CLUSTER = 'kwok-e2e';
const CHANNEL = 'C0OPS';
const THREAD = '1700000000.000001';
const OPS = 'UOPS0001';
const INTRUDER = 'UINTRUDER1';

let redisServer: TestRedis;
let redis: Redis;
let slack: FakeSlack;
let bot: RunningBot;
let base: string;
let states: ActionStateStore;
let prefix: string;
let executor: ReturnType<typeof createBotActionExecutor> | undefined;
let ns = '';
let twinNs = '';

beforeAll(async () => {
  redisServer = await startRedis();
  redis = new Redis(redisServer.url);
  slack = await startFakeSlack();
  ns = await newNamespace('actions');
  twinNs = await newNamespace('actions-twin');
  prefix = uniqueName('actions');
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
  });
  const kubeconfig = cluster().kubeconfig;
  bot = await startBot({
    config,
    createGateway: () => createKubeGateway({ kubeconfig, clusterName: CLUSTER }),
    executor: (ctx) =>
      (executor = createBotActionExecutor(ctx, {
        env: {},
        kube: { kubeconfig },
        logger: { info() {}, warn() {} },
        overrides: { settings: { debugTtlSeconds: 20, followPollMs: 250, followTimeoutMs: 60_000 } },
      })),
  });
  base = `http://127.0.0.1:${bot.port}`;
  states = new ActionStateStore(redis, { prefix });
});

afterAll(async () => {
  await executor?.close();
  await bot?.close();
  await slack?.close();
  redis?.disconnect();
  await redisServer?.stop();
  await deleteNamespace(ns);
  await deleteNamespace(twinNs);
});

function state(extra: Partial<ActionState>): ActionState {
  return { v: 1, cluster: CLUSTER, namespace: ns, pod: 'unused', channel: CHANNEL, threadTs: THREAD, createdAt: new Date().toISOString(), ...extra };
}

const OUTCOME = /^:(white_check_mark|no_entry|repeat|hourglass|x): <@(\w+)>: /;

function outcomes(): RecordedCall[] {
  return slack.callsOf('chat.postMessage').filter((c) => OUTCOME.test(String(c.args.text)));
}

/** A signed click; resolves the outcome line the listener posts in the thread. */
async function click(actionId: ActionId, stateId: string, user = OPS): Promise<string> {
  const before = outcomes().length;
  const res = await postSigned(`${base}/slack/events`, SECRET, blockActionBody({ actionId, value: stateId, userId: user, channelId: CHANNEL, messageTs: THREAD, responseUrl: slack.responseUrl() }));
  expect(res.status).toBe(200);
  const after = await slack.waitFor(() => (outcomes().length > before ? outcomes() : undefined), 90_000);
  return String(after[after.length - 1]?.args.text);
}

function messagesContaining(text: string): RecordedCall[] {
  return slack.callsOf('chat.postMessage').filter((c) => String(c.args.text).includes(text));
}

function buttonValue(call: RecordedCall | undefined, actionId: ActionId): string {
  const blocks = (call?.args.blocks ?? []) as { type?: string; elements?: { action_id?: string; value?: string }[] }[];
  for (const b of blocks) for (const e of b.elements ?? []) if (e.action_id === actionId && e.value !== undefined) return e.value;
  throw new Error(`no ${actionId} button in ${JSON.stringify(blocks)}`);
}

async function deploymentJson(namespace: string, name: string): Promise<JsonObject> {
  return kubectlJson<JsonObject>(['-n', namespace, 'get', 'deployment', name]);
}

/** Everything a write could change (status moves on its own as pods come and go). */
function writable(obj: JsonObject): string {
  const meta = obj.metadata as JsonObject;
  return JSON.stringify({ generation: meta.generation, annotations: meta.annotations, labels: meta.labels, spec: obj.spec });
}

async function slashCommand(text: string): Promise<void> {
  const body = new URLSearchParams({
    token: 'legacy-verification-token-test', team_id: 'T0TEST', team_domain: 'test', channel_id: CHANNEL, channel_name: 'ops',
    user_id: OPS, user_name: 'ops', command: '/crashloop', text, api_app_id: 'A0TEST', response_url: slack.responseUrl(), trigger_id: '1.2.3',
  }).toString();
  const res = await postSigned(`${base}/slack/events`, SECRET, body);
  expect(res.status).toBe(200);
}

/** Revision 1 runs; revision 2 crash-loops (the kwok crash simulation is switched on by a template label). */
async function crashingRollout(namespace: string, name: string): Promise<void> {
  await withHistory(namespace, 'Deployment', name, 1);
  const labels = { app: name, 'crashloop.test/sim': 'crash' };
  const patch = { metadata: { annotations: { 'kubernetes.io/change-cause': 'bad release v2' } }, spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: `registry.test/${name}:v2` }] } } } };
  await kubectl(['-n', namespace, 'patch', 'deployment', name, '--type=strategic', '-p', JSON.stringify(patch)]);
}

describe('report buttons on a real cluster', () => {
  it('diagnoses a bad rollout, and its report\'s "Roll back" button does what kubectl rollout undo does', async () => {
    await crashingRollout(twinNs, 'checkout');
    await crashingRollout(ns, 'checkout');
    const pod = await waitFor(async () => {
      const pods = await kubectlJson<{ items: JsonObject[] }>(['-n', ns, 'get', 'pods', '-l', 'app=checkout,crashloop.test/sim=crash']);
      const crashing = pods.items.find((p) => JSON.stringify(p.status ?? {}).includes('CrashLoopBackOff'));
      return crashing === undefined ? undefined : String((crashing.metadata as JsonObject).name);
    }, { what: 'a crash-looping checkout pod', timeoutMs: 90_000 });
    await slashCommand(`${ns}/${pod}`);
    const report = await slack.waitFor(() => slack.callsOf('chat.postMessage').find((c) => (c.args.metadata as { event_payload?: { pod?: string } } | undefined)?.event_payload?.pod === pod), 90_000);
    const stateId = buttonValue(report, ACTION_IDS.rolloutUndo);
    // The confirm dialog names the target revision and what goes back.
    const blocks = (report.args.blocks ?? []) as { elements?: { action_id?: string; confirm?: { text?: { text?: string } } }[] }[];
    const confirm = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTION_IDS.rolloutUndo)?.confirm?.text?.text ?? '';
    expect(confirm).toContain('Roll back deployment/checkout to revision 1');
    expect(confirm).toContain('app image: registry.test/checkout:v2 → registry.test/checkout:v1');

    await kubectl(['-n', twinNs, 'rollout', 'undo', 'deployment/checkout', '--to-revision=1']);
    expect(await click(ACTION_IDS.rolloutUndo, stateId)).toBe(`:white_check_mark: <@${OPS}>: rolled back checkout to revision 1`);
    const expected = await rolloutView(twinNs, 'Deployment', 'checkout');
    const actual = await rolloutView(ns, 'Deployment', 'checkout');
    expect(JSON.stringify(actual).replaceAll(ns, '<ns>')).toBe(JSON.stringify(expected).replaceAll(twinNs, '<ns>'));
  });

  it('rolls back exactly like kubectl rollout undo, once, however often it is clicked', async () => {
    await withHistory(twinNs, 'Deployment', 'payments-api', 3);
    await withHistory(ns, 'Deployment', 'payments-api', 3);
    await kubectl(['-n', twinNs, 'rollout', 'undo', 'deployment/payments-api', '--to-revision=2']);
    const stateId = await states.save(state({ workload: { kind: 'Deployment', name: 'payments-api' }, toRevision: 2, container: 'app' }));

    const first = await click(ACTION_IDS.rolloutUndo, stateId);
    expect(first).toBe(`:white_check_mark: <@${OPS}>: rolled back payments-api to revision 2`);
    const expected = await rolloutView(twinNs, 'Deployment', 'payments-api');
    const actual = await rolloutView(ns, 'Deployment', 'payments-api');
    expect(JSON.stringify(actual).replaceAll(ns, '<ns>')).toBe(JSON.stringify(expected).replaceAll(twinNs, '<ns>'));
    // The rollout is followed in the thread until it ends.
    await slack.waitFor(() => slack.callsOf('chat.update').find((c) => /Rollback of payments-api to revision 2: .*(rollout complete|timed out|failed)/.test(String(c.args.text))), 90_000);

    const settled = writable(await deploymentJson(ns, 'payments-api'));
    const again = await click(ACTION_IDS.rolloutUndo, stateId);
    expect(again).toMatch(/^:repeat: .*already done, nothing more changed/);
    expect(writable(await deploymentJson(ns, 'payments-api'))).toBe(settled);
  });

  it('executes once when two clicks arrive at the same time', async () => {
    await withHistory(ns, 'Deployment', 'orders', 2);
    const stateId = await states.save(state({ workload: { kind: 'Deployment', name: 'orders' }, toRevision: 1, container: 'app' }));
    const before = outcomes().length;
    const body = () => blockActionBody({ actionId: ACTION_IDS.rolloutUndo, value: stateId, userId: OPS, channelId: CHANNEL, messageTs: THREAD, responseUrl: slack.responseUrl() });
    const responses = await Promise.all([postSigned(`${base}/slack/events`, SECRET, body()), postSigned(`${base}/slack/events`, SECRET, body())]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const lines = await slack.waitFor(() => (outcomes().length >= before + 2 ? outcomes().slice(before).map((c) => String(c.args.text)) : undefined), 90_000);
    expect(lines.filter((l) => l.includes('rolled back orders to revision 1'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith(':repeat:'))).toHaveLength(1);
    // Exactly one rollback happened: revision 1 came back as revision 3.
    const view = await rolloutView(ns, 'Deployment', 'orders');
    expect(view.annotations['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('denies an unauthorized user and changes nothing at all', async () => {
    await withHistory(ns, 'Deployment', 'billing', 2);
    const before = await deploymentJson(ns, 'billing');
    const stateId = await states.save(state({ workload: { kind: 'Deployment', name: 'billing' }, toRevision: 1, container: 'app' }));
    for (const actionId of [ACTION_IDS.rolloutUndo, ACTION_IDS.sleepOverride, ACTION_IDS.debugCopy]) {
      expect(await click(actionId, stateId, INTRUDER)).toMatch(/^:no_entry: <@UINTRUDER1>: may not run (write|debug) actions .* in namespace actions-/);
    }
    const after = await deploymentJson(ns, 'billing');
    expect(writable(after)).toBe(writable(before));
    const pods = await kubectlJson<{ items: JsonObject[] }>(['-n', ns, 'get', 'pods']);
    expect(pods.items.filter((p) => String((p.metadata as JsonObject).name).includes('-debug-'))).toEqual([]);
    const audit = await redis.xrange(`${prefix}:audit`, '-', '+');
    expect(audit.filter(([, f]) => f.includes('denied') && f.includes(INTRUDER))).toHaveLength(3);
  });

  it('puts a workload to sleep and reverts it to the exact template', async () => {
    await withHistory(ns, 'Deployment', 'worker', 2);
    const original = (await deploymentJson(ns, 'worker')).spec as JsonObject;
    const stateId = await states.save(state({ workload: { kind: 'Deployment', name: 'worker' }, container: 'app' }));
    expect(await click(ACTION_IDS.sleepOverride, stateId)).toMatch(/^:white_check_mark: .*put deployment\/worker \(app\) in actions-\w+ to sleep/);
    const overridden = await deploymentJson(ns, 'worker');
    const container = (((overridden.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[];
    expect(container[0]?.command).toEqual(['sleep', '3600']);
    expect(container[0]?.readinessProbe).toBeUndefined();
    expect(container[0]?.args).toBeUndefined();

    const revertId = buttonValue(messagesContaining('Sleep override on deployment/worker').at(-1), ACTION_IDS.sleepRevert);
    expect(await click(ACTION_IDS.sleepRevert, revertId)).toMatch(/^:white_check_mark: .*reverted the sleep override on deployment\/worker/);
    const reverted = await deploymentJson(ns, 'worker');
    expect((reverted.spec as JsonObject).template).toEqual(original.template);
    expect(Object.keys(((reverted.metadata as JsonObject).annotations ?? {}) as JsonObject).filter((k) => k.startsWith('crashloop.dev/'))).toEqual([]);
  });

  it('creates a debug copy reachable by the posted command, deletes it on "Delete now" and at expiry', async () => {
    const s = await applyScenario('oom-killed', ns);
    await waitForScenario(ns, s, { minRestarts: 1 });
    for (const how of ['delete-now', 'expiry'] as const) {
      const stateId = await states.save(state({ pod: s.pod, container: s.container }));
      expect(await click(ACTION_IDS.debugCopy, stateId)).toMatch(/^:white_check_mark: .*created debug copy api-oom-debug-\w+ of actions-/);
      const post = messagesContaining('kubectl exec -it').at(-1);
      const match = /kubectl exec -it (\S+) -n (\S+) -c (\S+) -- sh/.exec(String(post?.args.text));
      expect(match?.[2]).toBe(ns);
      expect(match?.[3]).toBe('api');
      const name = match?.[1] ?? '';
      const copy = await kubectlJson<JsonObject>(['-n', ns, 'get', 'pod', name]);
      const meta = copy.metadata as JsonObject;
      const spec = copy.spec as JsonObject;
      expect(meta.labels).toBeUndefined();
      expect(meta.ownerReferences).toBeUndefined();
      expect(spec.activeDeadlineSeconds).toBe(20);
      expect((spec.containers as JsonObject[])[0]?.command).toEqual(['sleep', '3600']);
      expect((meta.annotations as JsonObject)['crashloop.dev/debug-copy-of']).toBe(s.pod);
      expect(buttonValue(post, ACTION_IDS.debugEphemeral)).not.toBe('');
      if (how === 'delete-now') {
        const deleteId = buttonValue(post, ACTION_IDS.debugDelete);
        expect(await click(ACTION_IDS.debugDelete, deleteId)).toMatch(/^:white_check_mark: .*deleted debug copy/);
      }
      await waitFor(async () => (await kubectl(['-n', ns, 'get', 'pod', name, '--ignore-not-found', '-o', 'name'])).trim() === '', { what: `${name} deleted (${how})`, timeoutMs: 90_000 });
    }
  });

  it('posts the redacted previous logs of the container, last lines inline and the whole as a file', async () => {
    const s = await applyScenario('oom-killed', ns);
    await waitForScenario(ns, s, { minRestarts: 1 });
    const stateId = await states.save(state({ pod: s.pod, container: s.container }));
    expect(await click(ACTION_IDS.previousLogs, stateId)).toMatch(/^:white_check_mark: .*posted the (previous|current) logs of actions-\w+\/api-oom \[api\]/);
    const post = messagesContaining('logs of').find((c) => String(c.args.text).includes('api-oom [api]'));
    expect(JSON.stringify(post?.args.blocks)).toContain('catalog cache warmed');
    await slack.waitFor(() => slack.uploads.find((u) => u.body.includes('catalog cache warmed')));
  });

  it('offers the other containers (init included) when posting logs', async () => {
    const s = await applyScenario('init-crash', ns);
    await waitForScenario(ns, s, { minRestarts: 1 });
    const stateId = await states.save(state({ pod: s.pod, container: s.container }));
    expect(await click(ACTION_IDS.previousLogs, stateId)).toMatch(new RegExp(`posted the (previous|current) logs of ${ns}/app-init-crash \\[migrate\\]`));
    const post = messagesContaining('logs of').find((c) => String(c.args.text).includes('app-init-crash [migrate]'));
    const other = buttonValue(post, ACTION_IDS.previousLogs);
    expect(JSON.stringify(post?.args.blocks)).toContain('Logs of app');
    expect(await click(ACTION_IDS.previousLogs, other)).toMatch(/logs of .*app-init-crash \[app\]/);
  });

  it('with ACTIONS_DRY_RUN every write is a server-side dry run: nothing changes', async () => {
    await withHistory(ns, 'Deployment', 'dry', 2);
    const before = await deploymentJson(ns, 'dry');
    const crash = await applyScenario('missing-module', ns);
    const workloadState = await states.save(state({ pod: 'unused', container: 'app', workload: { kind: 'Deployment', name: 'dry' }, toRevision: 1 }));
    const podState = await states.save(state({ pod: crash.pod, container: crash.container }));
    const posts: string[] = [];
    const dry = createActionExecutor({
      redis,
      prefix: `${prefix}-dry`,
      states,
      writerFor: () => KubeClusterWriter.fromKubeConfig({ kubeconfig: cluster().kubeconfig, clusterName: CLUSTER }),
      slack: { postMessage: async ({ text }) => ({ ts: String(posts.push(text)) }), updateMessage: async () => {}, uploadFile: async () => {}, userGroups: async () => [] },
      policy: parsePolicy(`rules: [{namespaces: ["actions-*"], debug: ["${OPS}"], write: ["${OPS}"]}]`),
      logger: { info() {}, warn() {} },
      settings: { dryRun: true },
    });
    const req = (actionId: ActionId, stateId: string) => ({ actionId, stateId, user: { id: OPS }, channel: CHANNEL, messageTs: THREAD, threadTs: THREAD, actionTs: '1.5' });
    for (const [actionId, stateId] of [[ACTION_IDS.rolloutUndo, workloadState], [ACTION_IDS.sleepOverride, workloadState], [ACTION_IDS.debugCopy, podState]] as const) {
      const outcome = await dry.execute(req(actionId, stateId));
      expect(outcome).toMatchObject({ status: 'done', message: expect.stringContaining('[dry run') });
    }
    await dry.drain();
    expect(writable(await deploymentJson(ns, 'dry'))).toBe(writable(before));
    const pods = await kubectlJson<{ items: JsonObject[] }>(['-n', ns, 'get', 'pods']);
    expect(pods.items.filter((p) => String((p.metadata as JsonObject).name).startsWith(`${crash.pod}-debug-`))).toEqual([]);
  });

  it('falls back to the current logs, and says why, when the container has no previous instance', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crashloop-logs-'));
    const logFile = join(dir, 'app.log');
    await writeFile(logFile, '2026-11-21T10:00:00.000000000Z stdout F fresh container started, password=hunter2-test\n');
    const logs = { apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'Logs', metadata: { name: 'fresh', namespace: ns }, spec: { logs: [{ containers: ['app'], logsFile: logFile }] } };
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(logs) });
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fresh', namespace: ns }, spec: { containers: [{ name: 'app', image: 'registry.test/fresh:v1' }] } };
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    await waitFor(async () => (await kubectlJson<JsonObject>(['-n', ns, 'get', 'pod', 'fresh'])).status !== undefined && JSON.stringify((await kubectlJson<JsonObject>(['-n', ns, 'get', 'pod', 'fresh'])).status).includes('"running"'), { what: 'fresh running' });
    const stateId = await states.save(state({ pod: 'fresh', container: 'app' }));
    expect(await click(ACTION_IDS.previousLogs, stateId)).toMatch(/posted the current logs of .*\/fresh \[app\]/);
    const post = messagesContaining('Last lines of the current logs').find((c) => String(c.args.text).includes('fresh [app]'));
    expect(String(post?.args.text)).toContain('There is no previous instance of `app`');
    expect(JSON.stringify(post?.args.blocks)).toContain('fresh container started');
    expect(JSON.stringify(post?.args.blocks)).not.toContain('hunter2-test');
  });

  it('adds an ephemeral debug container to the original pod', async () => {
    const s = await applyScenario('missing-module', ns);
    const stateId = await states.save(state({ pod: s.pod, container: s.container }));
    expect(await click(ACTION_IDS.debugEphemeral, stateId)).toMatch(/added ephemeral debug container debugger-\w+ to .*web-missing-module \(target web\)/);
    const pod = await kubectlJson<JsonObject>(['-n', ns, 'get', 'pod', s.pod]);
    const ephemeral = ((pod.spec as JsonObject).ephemeralContainers ?? []) as JsonObject[];
    expect(ephemeral).toHaveLength(1);
    expect(ephemeral[0]).toMatchObject({ image: 'busybox:1.36', targetContainerName: 'web', stdin: true, tty: true });
    const posted = messagesContaining('kubectl attach -it').at(-1);
    expect(String(posted?.args.text)).toContain(`kubectl attach -it ${s.pod} -n ${ns} -c ${String(ephemeral[0]?.name)}`);
  });
});
