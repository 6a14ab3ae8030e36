// Debug and log buttons end to end: sleep override and revert, debug copy (delete now, expiry), ephemeral
// container, previous logs, dry run. Signed clicks on the real bot; real redis-server and kwok cluster.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScenario, cluster, kubectl, kubectlJson, waitFor, waitForScenario } from '../cluster/harness.ts';
import { createActionExecutor } from '../../src/actions/executor.ts';
import { KubeClusterWriter } from '../../src/cluster/actions/cluster-writer.ts';
import { parsePolicy } from '../../src/auth/policy.ts';
import { ACTION_IDS, type ActionId } from '../../src/actions/types.ts';
import type { JsonObject } from '../../src/actions/json.ts';
import { withHistory } from '../actions/support/workloads.ts';
import { buttonValue, CHANNEL, CLUSTER, deploymentJson, OPS, startButtonBot, THREAD, writable, type ButtonBot } from '../actions/support/button-bot.ts';

let bot: ButtonBot;
beforeAll(async () => {
  bot = await startButtonBot();
});
afterAll(async () => {
  await bot?.close();
});

describe('debug and log buttons on a real cluster', () => {

  it('puts a workload to sleep and reverts it to the exact template', async () => {
    await withHistory(bot.ns, 'Deployment', 'worker', 2);
    const original = (await deploymentJson(bot.ns, 'worker')).spec as JsonObject;
    const stateId = await bot.states.save(bot.state({ workload: { kind: 'Deployment', name: 'worker' }, container: 'app' }));
    expect(await bot.click(ACTION_IDS.sleepOverride, stateId)).toMatch(/^:white_check_mark: .*put deployment\/worker \(app\) in actions-\w+ to sleep/);
    const overridden = await deploymentJson(bot.ns, 'worker');
    const container = (((overridden.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[];
    expect(container[0]?.command).toEqual(['sleep', '3600']);
    expect(container[0]?.readinessProbe).toBeUndefined();
    expect(container[0]?.args).toBeUndefined();

    const revertId = buttonValue(bot.messagesContaining('Sleep override on deployment/worker').at(-1), ACTION_IDS.sleepRevert);
    expect(await bot.click(ACTION_IDS.sleepRevert, revertId)).toMatch(/^:white_check_mark: .*reverted the sleep override on deployment\/worker/);
    const reverted = await deploymentJson(bot.ns, 'worker');
    expect((reverted.spec as JsonObject).template).toEqual(original.template);
    expect(Object.keys(((reverted.metadata as JsonObject).annotations ?? {}) as JsonObject).filter((k) => k.startsWith('crashloop.dev/'))).toEqual([]);
  });

  it('creates a debug copy reachable by the posted command, deletes it on "Delete now" and at expiry', async () => {
    const s = await applyScenario('oom-killed', bot.ns);
    await waitForScenario(bot.ns, s, { minRestarts: 1 });
    for (const how of ['delete-now', 'expiry'] as const) {
      const stateId = await bot.states.save(bot.state({ pod: s.pod, container: s.container }));
      expect(await bot.click(ACTION_IDS.debugCopy, stateId)).toMatch(/^:white_check_mark: .*created debug copy api-oom-debug-\w+ of actions-/);
      const post = bot.messagesContaining('kubectl exec -it').at(-1);
      const match = /kubectl exec -it (\S+) -n (\S+) -c (\S+) -- sh/.exec(String(post?.args.text));
      expect(match?.[2]).toBe(bot.ns);
      expect(match?.[3]).toBe('api');
      const name = match?.[1] ?? '';
      const copy = await kubectlJson<JsonObject>(['-n', bot.ns, 'get', 'pod', name]);
      const meta = copy.metadata as JsonObject;
      const spec = copy.spec as JsonObject;
      expect(meta.labels).toBeUndefined();
      expect(meta.ownerReferences).toBeUndefined();
      expect(spec.activeDeadlineSeconds).toBe(20);
      expect((spec.containers as JsonObject[])[0]?.command).toEqual(['sleep', '3600']);
      expect((meta.annotations as JsonObject)['crashloop.dev/debug-copy-of']).toBe(s.pod);
      expect(buttonValue(post, ACTION_IDS.debugEphemeral)).not.toBe('');
      if (how === 'delete-now') {
        // "Delete now" is destructive: it confirms, naming the copy, its namespace and cluster.
        const deleteButton = ((post?.args.blocks ?? []) as { elements?: { action_id?: string; style?: string; confirm?: { title?: { text?: string }; text?: { text?: string } } }[] }[]).flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTION_IDS.debugDelete);
        expect(deleteButton?.style).toBe('danger');
        expect(deleteButton?.confirm?.title?.text).toBe(`Delete debug copy ${name}?`);
        expect(deleteButton?.confirm?.text?.text).toContain(`Deletes the pod \`${name}\` in namespace \`${bot.ns}\` on cluster \`kwok-e2e\` (the debug copy of \`${s.pod}\`)`);
        const deleteId = buttonValue(post, ACTION_IDS.debugDelete);
        expect(await bot.click(ACTION_IDS.debugDelete, deleteId)).toMatch(/^:white_check_mark: .*deleted debug copy/);
      }
      await waitFor(async () => (await kubectl(['-n', bot.ns, 'get', 'pod', name, '--ignore-not-found', '-o', 'name'])).trim() === '', { what: `${name} deleted (${how})`, timeoutMs: 90_000 });
    }
  });

  it('posts the redacted previous logs of the container, last lines inline and the whole as a file', async () => {
    const s = await applyScenario('oom-killed', bot.ns);
    await waitForScenario(bot.ns, s, { minRestarts: 1 });
    const stateId = await bot.states.save(bot.state({ pod: s.pod, container: s.container }));
    expect(await bot.click(ACTION_IDS.previousLogs, stateId)).toMatch(/^:white_check_mark: .*posted the (previous|current) logs of actions-\w+\/api-oom \[api\]/);
    const post = bot.messagesContaining('logs of').find((c) => String(c.args.text).includes('api-oom [api]'));
    expect(JSON.stringify(post?.args.blocks)).toContain('catalog cache warmed');
    await bot.slack.waitFor(() => bot.slack.uploads.find((u) => u.body.includes('catalog cache warmed')));
  });

  it('offers the other containers (init included) when posting logs', async () => {
    const s = await applyScenario('init-crash', bot.ns);
    await waitForScenario(bot.ns, s, { minRestarts: 1 });
    const stateId = await bot.states.save(bot.state({ pod: s.pod, container: s.container }));
    expect(await bot.click(ACTION_IDS.previousLogs, stateId)).toMatch(new RegExp(`posted the (previous|current) logs of ${bot.ns}/app-init-crash \\[migrate\\]`));
    const post = bot.messagesContaining('logs of').find((c) => String(c.args.text).includes('app-init-crash [migrate]'));
    const other = buttonValue(post, ACTION_IDS.previousLogs);
    expect(JSON.stringify(post?.args.blocks)).toContain('Logs of app');
    expect(await bot.click(ACTION_IDS.previousLogs, other)).toMatch(/logs of .*app-init-crash \[app\]/);
  });

  it('with ACTIONS_DRY_RUN every write is a server-side dry run: nothing changes', async () => {
    await withHistory(bot.ns, 'Deployment', 'dry', 2);
    const before = await deploymentJson(bot.ns, 'dry');
    const crash = await applyScenario('missing-module', bot.ns);
    const workloadState = await bot.states.save(bot.state({ pod: 'unused', container: 'app', workload: { kind: 'Deployment', name: 'dry' }, toRevision: 1 }));
    const podState = await bot.states.save(bot.state({ pod: crash.pod, container: crash.container }));
    const posts: string[] = [];
    const dry = createActionExecutor({
      redis: bot.redis,
      prefix: `${bot.prefix}-dry`,
      states: bot.states,
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
    expect(writable(await deploymentJson(bot.ns, 'dry'))).toBe(writable(before));
    const pods = await kubectlJson<{ items: JsonObject[] }>(['-n', bot.ns, 'get', 'pods']);
    expect(pods.items.filter((p) => String((p.metadata as JsonObject).name).startsWith(`${crash.pod}-debug-`))).toEqual([]);
  });

  it('falls back to the current logs, and says why, when the container has no previous instance', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crashloop-logs-'));
    const logFile = join(dir, 'app.log');
    await writeFile(logFile, '2026-11-21T10:00:00.000000000Z stdout F fresh container started, password=hunter2-test\n');
    const logs = { apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'Logs', metadata: { name: 'fresh', namespace: bot.ns }, spec: { logs: [{ containers: ['app'], logsFile: logFile }] } };
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(logs) });
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fresh', namespace: bot.ns }, spec: { containers: [{ name: 'app', image: 'registry.test/fresh:v1' }] } };
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    await waitFor(async () => (await kubectlJson<JsonObject>(['-n', bot.ns, 'get', 'pod', 'fresh'])).status !== undefined && JSON.stringify((await kubectlJson<JsonObject>(['-n', bot.ns, 'get', 'pod', 'fresh'])).status).includes('"running"'), { what: 'fresh running' });
    const stateId = await bot.states.save(bot.state({ pod: 'fresh', container: 'app' }));
    expect(await bot.click(ACTION_IDS.previousLogs, stateId)).toMatch(/posted the current logs of .*\/fresh \[app\]/);
    const post = bot.messagesContaining('Last lines of the current logs').find((c) => String(c.args.text).includes('fresh [app]'));
    expect(String(post?.args.text)).toContain('There is no previous instance of `app`');
    expect(JSON.stringify(post?.args.blocks)).toContain('fresh container started');
    expect(JSON.stringify(post?.args.blocks)).not.toContain('hunter2-test');
  });

  it('adds an ephemeral debug container to the original pod', async () => {
    const s = await applyScenario('missing-module', bot.ns);
    const stateId = await bot.states.save(bot.state({ pod: s.pod, container: s.container }));
    expect(await bot.click(ACTION_IDS.debugEphemeral, stateId)).toMatch(/added ephemeral debug container debugger-\w+ to .*web-missing-module \(target web\)/);
    const pod = await kubectlJson<JsonObject>(['-n', bot.ns, 'get', 'pod', s.pod]);
    const ephemeral = ((pod.spec as JsonObject).ephemeralContainers ?? []) as JsonObject[];
    expect(ephemeral).toHaveLength(1);
    expect(ephemeral[0]).toMatchObject({ image: 'busybox:1.36', targetContainerName: 'web', stdin: true, tty: true });
    const posted = bot.messagesContaining('kubectl attach -it').at(-1);
    expect(String(posted?.args.text)).toContain(`kubectl attach -it ${s.pod} -n ${bot.ns} -c ${String(ephemeral[0]?.name)}`);
  });
});
