// A Slack retry that races the click it repeats: the retry gives up waiting at once (duplicateWaitMs 0)
// and answers "already running", yet the thread must still get the execution's final result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/actions/types.ts';
import { rolloutView, withHistory } from '../actions/support/workloads.ts';
import { OPS, startButtonBot, type ButtonBot } from '../actions/support/button-bot.ts';

let bot: ButtonBot;
beforeAll(async () => {
  bot = await startButtonBot({ settings: { duplicateWaitMs: 0 } });
});
afterAll(async () => {
  await bot?.close();
});

describe('a Slack retry racing its click', () => {
  it('leaves the final result in the thread, posted once by the execution', async () => {
    await withHistory(bot.ns, 'Deployment', 'ledger', 2);
    const stateId = await bot.states.save(bot.state({ workload: { kind: 'Deployment', name: 'ledger' }, toRevision: 1, container: 'app' }));
    // The same payload twice (same action_ts), as Slack re-sends a click it thinks was not acked.
    const ts = await bot.clickTwice(ACTION_IDS.rolloutUndo, stateId);
    expect(await bot.auditOutcomes(stateId, 2)).toEqual(['done', 'duplicate']);

    const done = `:white_check_mark: <@${OPS}>: rolled back ledger to revision 1`;
    const lines = await bot.slack.waitFor(() => (bot.outcomesIn(ts).includes(done) && bot.outcomesIn(ts).length >= 2 ? bot.outcomesIn(ts) : undefined), 30_000);
    expect(lines.filter((l) => l === done)).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith(':repeat:'))).toHaveLength(1);
    expect((await rolloutView(bot.ns, 'Deployment', 'ledger')).annotations['deployment.kubernetes.io/revision']).toBe('3');
  });
});
