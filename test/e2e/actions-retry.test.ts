// A Slack retry that races the click it repeats: the retry gives up waiting at once (duplicateWaitMs 0)
// and answers "already running", yet the thread must still get the execution's final result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../cluster/harness.ts';
import { blockActionBody, postSigned } from '../support/signing.ts';
import { ACTION_IDS } from '../../src/actions/types.ts';
import { rolloutView, withHistory } from '../actions/support/workloads.ts';
import { CHANNEL, OPS, SECRET, startButtonBot, type ButtonBot } from '../actions/support/button-bot.ts';

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
    const ts = bot.nextTs();
    // The same payload twice (same action_ts), as Slack re-sends a click it thinks was not acked.
    const body = blockActionBody({ actionId: ACTION_IDS.rolloutUndo, value: stateId, userId: OPS, channelId: CHANNEL, messageTs: ts, responseUrl: bot.slack.responseUrl() });
    for (let attempt = 0; attempt < 2; attempt += 1) expect((await postSigned(`${bot.base}/slack/events`, SECRET, body)).status).toBe(200);

    const outcomes = await waitFor(async () => {
      const all = await bot.redis.xrange(`${bot.prefix}:audit`, '-', '+');
      const mine = all.filter(([, f]) => f.includes(stateId)).map(([, f]) => f[f.indexOf('outcome') + 1]);
      return mine.length >= 2 ? mine.sort() : undefined;
    }, { what: 'two audit entries for the retried click' });
    expect(outcomes).toEqual(['done', 'duplicate']);

    const done = `:white_check_mark: <@${OPS}>: rolled back ledger to revision 1`;
    const lines = await bot.slack.waitFor(() => (bot.outcomesIn(ts).includes(done) && bot.outcomesIn(ts).length >= 2 ? bot.outcomesIn(ts) : undefined), 30_000);
    expect(lines.filter((l) => l === done)).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith(':repeat:'))).toHaveLength(1);
    expect((await rolloutView(bot.ns, 'Deployment', 'ledger')).annotations['deployment.kubernetes.io/revision']).toBe('3');
  });
});
