// Rollback buttons end to end: signed block_actions clicks on the real Bolt server (startBot) with the
// real executor, a private redis-server and the kwok control plane; Slack is the local fake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl, kubectlJson, waitFor } from '../cluster/harness.ts';
import { blockActionBody, postSigned } from '../support/signing.ts';
import { ACTION_IDS } from '../../src/actions/types.ts';
import type { JsonObject } from '../../src/actions/json.ts';
import { rolloutView, withHistory } from '../actions/support/workloads.ts';
import { createIncidentStore } from '../../src/incidents/store.ts';
import { buttonValue, CHANNEL, deploymentJson, INTRUDER, OPS, SECRET, startButtonBot, writable, type ButtonBot } from '../actions/support/button-bot.ts';

let bot: ButtonBot;
beforeAll(async () => {
  bot = await startButtonBot();
});
afterAll(async () => {
  await bot?.close();
});

/** Revision 1 runs; revision 2 crash-loops (the kwok crash simulation is switched on by a template label). */
async function crashingRollout(namespace: string, name: string): Promise<void> {
  await withHistory(namespace, 'Deployment', name, 1);
  const labels = { app: name, 'crashloop.test/sim': 'crash' };
  const patch = { metadata: { annotations: { 'kubernetes.io/change-cause': 'bad release v2' } }, spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: `registry.test/${name}:v2` }] } } } };
  await kubectl(['-n', namespace, 'patch', 'deployment', name, '--type=strategic', '-p', JSON.stringify(patch)]);
}

describe('report buttons on a real cluster', () => {
  it('diagnoses a bad rollout, and its report\'s "Roll back" button does what kubectl rollout undo does', async () => {
    await crashingRollout(bot.twinNs, 'checkout');
    await crashingRollout(bot.ns, 'checkout');
    const pod = await waitFor(async () => {
      const pods = await kubectlJson<{ items: JsonObject[] }>(['-n', bot.ns, 'get', 'pods', '-l', 'app=checkout,crashloop.test/sim=crash']);
      const crashing = pods.items.find((p) => JSON.stringify(p.status ?? {}).includes('CrashLoopBackOff'));
      return crashing === undefined ? undefined : String((crashing.metadata as JsonObject).name);
    }, { what: 'a crash-looping checkout pod', timeoutMs: 90_000 });
    await bot.slashCommand(`${bot.ns}/${pod}`);
    const report = await bot.slack.waitFor(() => bot.slack.callsOf('chat.postMessage').find((c) => (c.args.metadata as { event_payload?: { pod?: string } } | undefined)?.event_payload?.pod === pod), 90_000);
    const stateId = buttonValue(report, ACTION_IDS.rolloutUndo);
    // The confirm dialog names the object, namespace, cluster, both revisions and what goes back.
    const blocks = (report.args.blocks ?? []) as { elements?: { action_id?: string; confirm?: { title?: { text?: string }; text?: { text?: string } } }[] }[];
    const dialogs = blocks.flatMap((b) => b.elements ?? []);
    const dialog = dialogs.find((e) => e.action_id === ACTION_IDS.rolloutUndo)?.confirm;
    expect(dialog?.title?.text).toBe('Roll back checkout to revision 1?');
    const confirm = dialog?.text?.text ?? '';
    expect(confirm).toContain(`Roll back \`deployment/checkout\` in namespace \`${bot.ns}\` on cluster \`kwok-e2e\` from revision 2 to revision 1`);
    expect(confirm).toContain('app image: registry.test/checkout:v2 → registry.test/checkout:v1');
    // The sleep override's dialog names the real command and the object it modifies.
    expect(dialogs.find((e) => e.action_id === ACTION_IDS.sleepOverride)?.confirm?.text?.text).toContain(`MODIFIES \`deployment/checkout\` in namespace \`${bot.ns}\` on cluster \`kwok-e2e\`: container \`app\` will run \`sleep 3600\``);

    await kubectl(['-n', bot.twinNs, 'rollout', 'undo', 'deployment/checkout', '--to-revision=1']);
    // Clicked on the report itself: its buttons are bound to that message.
    const reportTs = String((report.result as { ts?: string } | undefined)?.ts);
    expect(await bot.click(ACTION_IDS.rolloutUndo, stateId, OPS, reportTs)).toBe(`:white_check_mark: <@${OPS}>: rolled back checkout to revision 1`);
    // The report itself (no incident: a /crashloop report) is edited: what was done, by whom, how it ended.
    const edits = (): string[] => bot.slack.callsOf('chat.update').filter((c) => c.args.ts === reportTs).map((c) => JSON.stringify(c.args.blocks ?? []));
    const settledEdit = await bot.slack.waitFor(() => edits().find((b) => /:hammer_and_wrench: rolled back checkout to revision 1 by <@UOPS0001>, (rollout \d+\/\d+ ready|rollout failed[^"]*|rollout not confirmed[^"]*)/.test(b)), 90_000);
    // The line sits above the buttons, which stay; the rest of the report is unchanged.
    expect(settledEdit.indexOf('crashloop_action_note')).toBeLessThan(settledEdit.indexOf('"type":"actions"'));
    expect(settledEdit).toContain(ACTION_IDS.rolloutUndo);
    const expected = await rolloutView(bot.twinNs, 'Deployment', 'checkout');
    const actual = await rolloutView(bot.ns, 'Deployment', 'checkout');
    expect(JSON.stringify(actual).replaceAll(bot.ns, '<bot.ns>')).toBe(JSON.stringify(expected).replaceAll(bot.twinNs, '<bot.ns>'));
  });

  it('rolls back exactly like kubectl rollout undo, once, however often it is clicked', async () => {
    await withHistory(bot.twinNs, 'Deployment', 'payments-api', 3);
    await withHistory(bot.ns, 'Deployment', 'payments-api', 3);
    await kubectl(['-n', bot.twinNs, 'rollout', 'undo', 'deployment/payments-api', '--to-revision=2']);
    const stateId = await bot.states.save(bot.state({ workload: { kind: 'Deployment', name: 'payments-api' }, toRevision: 2, container: 'app' }));

    const first = await bot.click(ACTION_IDS.rolloutUndo, stateId);
    expect(first).toBe(`:white_check_mark: <@${OPS}>: rolled back payments-api to revision 2`);
    const expected = await rolloutView(bot.twinNs, 'Deployment', 'payments-api');
    const actual = await rolloutView(bot.ns, 'Deployment', 'payments-api');
    expect(JSON.stringify(actual).replaceAll(bot.ns, '<bot.ns>')).toBe(JSON.stringify(expected).replaceAll(bot.twinNs, '<bot.ns>'));
    // The rollout is followed in the thread until it ends.
    await bot.slack.waitFor(() => bot.slack.callsOf('chat.update').find((c) => /Rollback of payments-api to revision 2: .*(rollout complete|timed out|failed)/.test(String(c.args.text))), 90_000);

    const settled = writable(await deploymentJson(bot.ns, 'payments-api'));
    const again = await bot.click(ACTION_IDS.rolloutUndo, stateId);
    expect(again).toMatch(/^:repeat: .*already done, nothing more changed/);
    expect(writable(await deploymentJson(bot.ns, 'payments-api'))).toBe(settled);
  });

  it('executes once when two clicks arrive at the same time', async () => {
    await withHistory(bot.ns, 'Deployment', 'orders', 2);
    const stateId = await bot.states.save(bot.state({ workload: { kind: 'Deployment', name: 'orders' }, toRevision: 1, container: 'app' }));
    const ts = bot.nextTs();
    const body = () => blockActionBody({ actionId: ACTION_IDS.rolloutUndo, value: stateId, userId: OPS, channelId: CHANNEL, messageTs: ts, responseUrl: bot.slack.responseUrl() });
    const responses = await Promise.all([postSigned(`${bot.base}/slack/events`, SECRET, body()), postSigned(`${bot.base}/slack/events`, SECRET, body())]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    // Two clicks have two action_ts values, so the thread gets both replies.
    const lines = await bot.slack.waitFor(() => (bot.outcomesIn(ts).length >= 2 ? bot.outcomesIn(ts) : undefined), 90_000);
    expect(lines.filter((l) => l.startsWith(':white_check_mark:') && l.includes('rolled back orders to revision 1'))).toHaveLength(1);
    // The second click waited for the first and quotes its result.
    expect(lines.filter((l) => l.startsWith(':repeat:') && l.includes('already done, nothing more changed (rolled back orders to revision 1)'))).toHaveLength(1);
    // Exactly one rollback happened: revision 1 came back as revision 3.
    const view = await rolloutView(bot.ns, 'Deployment', 'orders');
    expect(view.annotations['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('executes once when Slack retries the same click', async () => {
    await withHistory(bot.ns, 'Deployment', 'carts', 2);
    const stateId = await bot.states.save(bot.state({ workload: { kind: 'Deployment', name: 'carts' }, toRevision: 1, container: 'app' }));
    const ts = await bot.clickTwice(ACTION_IDS.rolloutUndo, stateId);
    expect(await bot.auditOutcomes(stateId, 2)).toEqual(['done', 'duplicate']);
    // The execution's own reply carries the result, whatever the retry answered.
    await bot.slack.waitFor(() => bot.outcomesIn(ts).find((l) => l.includes('rolled back carts to revision 1')));
    expect((await rolloutView(bot.ns, 'Deployment', 'carts')).annotations['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('denies an unauthorized user and changes nothing at all', async () => {
    await withHistory(bot.ns, 'Deployment', 'billing', 2);
    const before = await deploymentJson(bot.ns, 'billing');
    const stateId = await bot.states.save(bot.state({ workload: { kind: 'Deployment', name: 'billing' }, toRevision: 1, container: 'app' }));
    for (const actionId of [ACTION_IDS.rolloutUndo, ACTION_IDS.sleepOverride, ACTION_IDS.debugCopy]) {
      // The reason (and the rule to add) is for the clicker; the thread keeps who was refused what.
      const ts = bot.nextTs();
      expect(await bot.clickEphemeral(actionId, stateId, INTRUDER, ts)).toMatch(/^:no_entry: <@UINTRUDER1>: may not run (write|debug) actions .* in namespace actions-/);
      const [line] = await bot.slack.waitFor(() => (bot.outcomesIn(ts).length > 0 ? bot.outcomesIn(ts) : undefined));
      expect(line).toMatch(/^:no_entry: <@UINTRUDER1>: was refused ".+" on deployment\/billing in actions-\S+ \(kwok-e2e\) \(not allowed by the bot's policy\); nothing was done\.$/);
    }
    const after = await deploymentJson(bot.ns, 'billing');
    expect(writable(after)).toBe(writable(before));
    const pods = await kubectlJson<{ items: JsonObject[] }>(['-n', bot.ns, 'get', 'pods']);
    expect(pods.items.filter((p) => String((p.metadata as JsonObject).name).includes('-debug-'))).toEqual([]);
    const audit = await bot.redis.xrange(`${bot.prefix}:audit`, '-', '+');
    expect(audit.filter(([, f]) => f.includes('denied') && f.includes(INTRUDER))).toHaveLength(3);
  });

  it('refuses a rollback whose workload moved since the report, naming both revisions, and changes nothing', async () => {
    await withHistory(bot.ns, 'Deployment', 'inventory', 2);
    // The report saw revision 2 and offered revision 1.
    const stateId = await bot.states.save(bot.state({ workload: { kind: 'Deployment', name: 'inventory' }, toRevision: 1, revision: 2, container: 'app' }));
    await kubectl(['-n', bot.ns, 'set', 'image', 'deployment/inventory', 'app=registry.test/inventory:hotfix']);
    const revision = async (): Promise<unknown> => (await rolloutView(bot.ns, 'Deployment', 'inventory')).annotations['deployment.kubernetes.io/revision'];
    await waitFor(async () => (await revision()) === '3', { what: 'inventory at revision 3' });
    const before = writable(await deploymentJson(bot.ns, 'inventory'));
    const ts = bot.nextTs();
    expect(await bot.clickEphemeral(ACTION_IDS.rolloutUndo, stateId, OPS, ts)).toBe(
      `:hourglass: <@${OPS}>: deployment/inventory in ${bot.ns} (kwok-e2e) changed since this report: it is at revision 3, the report saw revision 2. Nothing was done. Run \`/crashloop ${bot.ns}/unused\` for a fresh report.`,
    );
    expect(await bot.auditOutcomes(stateId, 1)).toEqual(['stale']);
    expect(writable(await deploymentJson(bot.ns, 'inventory'))).toBe(before);
    expect(bot.outcomesIn(ts)).toEqual([]);
  });

  it("edits the incident's parent with the action taken, who took it and how the rollout ended", async () => {
    await withHistory(bot.ns, 'Deployment', 'pricing', 2);
    const key = { cluster: 'kwok-e2e', namespace: bot.ns, workload: 'Deployment/pricing' };
    const incidents = createIncidentStore(bot.redis, { prefix: bot.prefix });
    await incidents.recordFiring(key, { channel: CHANNEL, fingerprint: 'fp-pricing', startsAt: new Date(Date.now() - 5 * 60_000).toISOString(), alertname: 'KubePodCrashLooping', restartBand: 1, container: 'app' }, new Date());
    const stateId = await bot.states.save(bot.state({ workload: { kind: 'Deployment', name: 'pricing' }, toRevision: 1, revision: 2, container: 'app', incident: key }));
    await incidents.setDiagnosis(key, { cause: 'config-error', title: 'pricing exits on a bad flag', container: 'app', pod: 'pricing-1', namespace: bot.ns, fix: 'Roll back.', confidence: 0.8, diagnosedAt: new Date().toISOString(), stateId, rollbackRevision: 1, currentRevision: 2 }, 'sig-pricing');

    expect(await bot.click(ACTION_IDS.rolloutUndo, stateId)).toBe(`:white_check_mark: <@${OPS}>: rolled back pricing to revision 1`);
    // The parent (the incident's one top-level message, through the outbox) says what was done and by whom,
    // then, once the rollout is followed to its end, how it ended.
    const parentBlocks = (): string[] => bot.slack.calls.filter((c) => c.status === 200 && c.args.channel === CHANNEL && c.args.thread_ts === undefined && (c.method === 'chat.update' || c.method === 'chat.postMessage') && String(c.args.text).includes('pricing')).map((c) => JSON.stringify(c.args.blocks ?? []));
    await bot.slack.waitFor(() => parentBlocks().find((b) => b.includes(`rolled back pricing to revision 1 by <@${OPS}>`)), 90_000);
    const settled = await bot.slack.waitFor(() => parentBlocks().find((b) => /rolled back pricing to revision 1 by <@UOPS0001>, (rollout \d+\/\d+ ready|rollout failed[^"]*|rollout not confirmed[^"]*)/.test(b)), 90_000);
    expect(settled).toContain(':hammer_and_wrench:');
    expect((await incidents.get(key))?.action).toMatchObject({ by: OPS, what: 'rolled back pricing to revision 1', after: expect.stringMatching(/rollout/) });
  });
});
