// Revert after a sleep override must not silently discard an edit made while debugging. On the kwok
// control plane with signed clicks on the real bot: override, `kubectl set image`, Revert → refused
// with the change named and the image kept; "Revert anyway" then restores the saved template.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl } from '../cluster/harness.ts';
import { ACTION_IDS } from '../../src/actions/types.ts';
import type { JsonObject } from '../../src/actions/json.ts';
import { withHistory } from '../actions/support/workloads.ts';
import { buttonValue, deploymentJson, startButtonBot, type ButtonBot } from '../actions/support/button-bot.ts';

let bot: ButtonBot;
beforeAll(async () => {
  bot = await startButtonBot();
});
afterAll(async () => {
  await bot?.close();
});

const containerOf = (deployment: JsonObject): JsonObject => ((((deployment.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0] ?? {};
const crashloopAnnotations = (deployment: JsonObject): string[] => Object.keys(((deployment.metadata as JsonObject).annotations ?? {}) as JsonObject).filter((k) => k.startsWith('crashloop.dev/')).sort();

describe('Revert after an edit made during the sleep override', () => {
  it('refuses, names the change, keeps the new image, and offers "Revert anyway"', async () => {
    await withHistory(bot.ns, 'Deployment', 'ledger', 1);
    const original = ((await deploymentJson(bot.ns, 'ledger')).spec as JsonObject).template;
    const stateId = await bot.states.save(bot.state({ workload: { kind: 'Deployment', name: 'ledger' }, container: 'app' }));
    expect(await bot.click(ACTION_IDS.sleepOverride, stateId)).toMatch(/^:white_check_mark: .*put deployment\/ledger \(app\) in actions-\w+ to sleep/);
    const revertId = buttonValue(bot.messagesContaining('Sleep override on deployment/ledger').at(-1), ACTION_IDS.sleepRevert);

    // Debugging goes on by hand: someone ships a fix while the workload sleeps.
    await kubectl(['-n', bot.ns, 'set', 'image', 'deployment/ledger', 'app=registry.test/ledger:hotfix']);

    const refused = await bot.click(ACTION_IDS.sleepRevert, revertId);
    expect(refused).toMatch(/^:x: .*did not revert deployment\/ledger .*changed after the sleep override/);
    expect(refused).toContain('container app: image registry.test/ledger:v1 → registry.test/ledger:hotfix');
    const kept = await deploymentJson(bot.ns, 'ledger');
    expect(containerOf(kept).image).toBe('registry.test/ledger:hotfix');
    expect(containerOf(kept).command).toEqual(['sleep', '3600']);
    expect(crashloopAnnotations(kept)).toEqual(['crashloop.dev/sleep-override-applied', 'crashloop.dev/sleep-override-by', 'crashloop.dev/sleep-override-original']);

    // The choice: a confirmed "Revert anyway" restores the saved template, discarding the edit.
    const choice = bot.messagesContaining('Revert of deployment/ledger refused').at(-1);
    const blocks = JSON.stringify(choice?.args.blocks);
    expect(blocks).toContain('Revert anyway');
    // Its confirm dialog says what it discards, on which object, where.
    expect(blocks).toContain('"title":{"type":"plain_text","text":"Revert ledger and discard 1 change?"}');
    expect(blocks).toContain(`Restores \`deployment/ledger\` in namespace \`${bot.ns}\` on cluster \`kwok-e2e\` to its template from before the sleep override and DISCARDS the 1 change made since.`);
    const anyway = buttonValue(choice, ACTION_IDS.sleepRevert);
    expect(await bot.click(ACTION_IDS.sleepRevert, anyway)).toMatch(/^:white_check_mark: .*reverted the sleep override on deployment\/ledger/);
    const reverted = await deploymentJson(bot.ns, 'ledger');
    expect((reverted.spec as JsonObject).template).toEqual(original);
    expect(crashloopAnnotations(reverted)).toEqual([]);
  });

  it('reverts at once when nothing changed (scaling is not a template change)', async () => {
    await withHistory(bot.ns, 'Deployment', 'quiet', 1);
    const original = ((await deploymentJson(bot.ns, 'quiet')).spec as JsonObject).template;
    const stateId = await bot.states.save(bot.state({ workload: { kind: 'Deployment', name: 'quiet' }, container: 'app' }));
    await bot.click(ACTION_IDS.sleepOverride, stateId);
    await kubectl(['-n', bot.ns, 'scale', 'deployment/quiet', '--replicas=3']);
    const revertId = buttonValue(bot.messagesContaining('Sleep override on deployment/quiet').at(-1), ACTION_IDS.sleepRevert);
    expect(await bot.click(ACTION_IDS.sleepRevert, revertId)).toMatch(/^:white_check_mark: .*reverted the sleep override on deployment\/quiet/);
    expect(((await deploymentJson(bot.ns, 'quiet')).spec as JsonObject).template).toEqual(original);
  });
});
