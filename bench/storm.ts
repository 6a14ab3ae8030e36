// An Alertmanager storm (issue 13): 1,000 firing alerts over 100 crash-looping Deployments, all routed to
// ONE channel (the hard case: Slack's ~1 message/s/channel), sent as 10 concurrent webhooks of 100, with
// the local Slack server answering at once and then after 300 ms. Counts what a reader of the channel
// sees (test/support/storm-scenario.ts): one storm digest, one parent per incident showing its cause,
// seconds until every workload's cause is readable in the channel (digest or parent), and the bot's
// webhook p99 and peak memory. `stormFigures` is the storm logic; `bench` runs it on the kwok cluster
// (`crashloop serve --role all`), `fixtureStorm` in-process over a fixture gateway (no cluster needed).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { payload } from '../test/alertmanager/fixtures.ts';
import { TOKEN } from '../test/alertmanager/harness.ts';
import type { ChannelMessage, FakeSlack } from '../test/support/fake-slack.ts';
import { stormBatches, stormView, type StormWorkload } from '../test/support/storm-scenario.ts';
import { ALERT_TOKEN, type BenchEnv } from './lib/env.ts';
import { serve } from './lib/proc.ts';
import { load, round, summarize } from './lib/stats.ts';
import { crashingWorkloads } from './lib/workloads.ts';

export const STORM_CHANNEL = 'C0STORM';

export interface StormFigures {
  alerts: number;
  workloads: number;
  webhookStatuses: number[];
  webhookP99Ms: number;
  /** Incident parents that show their diagnosed cause. */
  diagnoses: number;
  /** Incident parents in the channel (one per workload expected). */
  parents: number;
  /** Storm digests in the channel (one expected). */
  digests: number;
  /** Extra parents beyond one per workload, plus identical reposts of any message. */
  duplicates: number;
  /** Workloads whose cause never became visible within the wait. */
  lost: number;
  /** From the first webhook sent until every workload's cause is readable in the channel. */
  secondsToAllCausesVisible: number | null;
  /** From the first webhook sent until every workload's own parent shows its cause (Slack's pace bound). */
  secondsToAllParentsDiagnosed: number | null;
  maxRepliesPerIncident: number;
  longestTextChars: number;
  rateLimitNotices: number;
  peakRssMb: number;
  load: number;
}

export interface StormOptions {
  /** The bot's POST /alertmanager. */
  url: string;
  token?: string;
  slack: FakeSlack;
  channel?: string;
  workloads: StormWorkload[];
  perWorkload?: number;
  /** Give up waiting after this long. */
  waitS: number;
  /** The bot's resident memory in MB, sampled every 50 ms. */
  rss: () => number | undefined;
}

/** Sends the storm and waits until every cause is visible and every parent is diagnosed (or waitS). */
export async function stormFigures(o: StormOptions): Promise<StormFigures> {
  const channel = o.channel ?? STORM_CHANNEL;
  const batches = stormBatches(o.workloads, o.perWorkload ?? 10, 10);
  let peak = o.rss() ?? 0;
  const sampler = setInterval(() => (peak = Math.max(peak, o.rss() ?? 0)), 50);
  const webhook: number[] = [];
  const t0 = performance.now();
  let statuses: number[] = [];
  let visibleS: number | null = null;
  let parentsS: number | null = null;
  try {
    statuses = await Promise.all(
      batches.map(async (batch) => {
        const s = performance.now();
        const res = await fetch(o.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${o.token ?? ALERT_TOKEN}` }, body: JSON.stringify(payload(batch)) });
        await res.arrayBuffer();
        webhook.push(performance.now() - s);
        return res.status;
      }),
    );
    const n = o.workloads.length;
    while (performance.now() - t0 < o.waitS * 1000 && (visibleS === null || parentsS === null)) {
      const view = stormView(o.slack, channel, o.workloads);
      const s = round((performance.now() - t0) / 1000, 2);
      if (visibleS === null && view.causesVisible >= n) visibleS = s;
      if (parentsS === null && view.parentsWithCause >= n) parentsS = s;
      await sleep(200);
    }
  } finally {
    clearInterval(sampler);
  }
  const view = stormView(o.slack, channel, o.workloads);
  const parents = [...view.parentsOf.values()].reduce((sum, list) => sum + list.length, 0);
  const extra = [...view.parentsOf.values()].reduce((sum, list) => sum + Math.max(0, list.length - 1), 0);
  return {
    alerts: batches.reduce((sum, b) => sum + b.length, 0),
    workloads: o.workloads.length,
    webhookStatuses: [...new Set(statuses)],
    webhookP99Ms: round(summarize(webhook).p99),
    diagnoses: view.parentsWithCause,
    parents,
    digests: view.digests.length,
    duplicates: extra + view.identicalReposts,
    lost: o.workloads.length - view.causesVisible,
    secondsToAllCausesVisible: visibleS,
    secondsToAllParentsDiagnosed: parentsS,
    maxRepliesPerIncident: view.maxReplies,
    longestTextChars: view.longestText,
    rateLimitNotices: view.rateLimitNotices,
    peakRssMb: round(Math.max(peak, o.rss() ?? 0)),
    load: load(),
  };
}

/** One storm against a fresh `crashloop serve --role all` on the kwok cluster, every alert to one channel. */
async function servedStorm(env: BenchEnv, slack: FakeSlack, workloads: StormWorkload[], waitS: number): Promise<StormFigures> {
  const bot = await serve(['--role', 'all'], env.serveEnv({ PORT: '0', ALERTMANAGER_TOKEN: ALERT_TOKEN, ALERT_CHANNEL: STORM_CHANNEL }, slack));
  try {
    const port = /listening on port (\d+)/.exec(bot.output())?.[1];
    return await stormFigures({ url: `http://127.0.0.1:${port}/alertmanager`, slack, workloads, waitS, rss: () => bot.rss() });
  } finally {
    await bot.stop();
  }
}

export async function bench(env: BenchEnv, quick: boolean, log: (line: string) => void) {
  const count = quick ? 10 : 100;
  const set = await crashingWorkloads(env, count, quick ? 2 : 5, log);
  try {
    const workloads: StormWorkload[] = set.list.map((w) => ({ namespace: w.namespace, name: w.name, pod: w.pod, container: w.container }));
    const fast = await servedStorm(env, env.slack, workloads, quick ? 60 : 240);
    log(`storm: fast Slack: ${JSON.stringify(fast)}`);
    const slow = await servedStorm(env, await env.slowSlack(300), workloads, quick ? 90 : 400);
    log(`storm: Slack at 300 ms: ${JSON.stringify(slow)}`);
    return { figures: { storm: fast, stormSlowSlack: slow }, details: { channels: 1 } };
  } finally {
    await set.remove();
  }
}

/** The same storm in-process over a fixture gateway (62 dns-failure, 30 oom-killed, 8 missing-dependency). */
export async function fixtureStorm(latencyMs: number, count = 100, waitS = 240, onView?: (view: ChannelMessage[]) => void): Promise<StormFigures> {
  const [{ loadConfig }, { startBot }, { FixtureGateway }, { startFakeSlack }, { startRedis, uniqueName }, { stormSnapshot, stormWorkloads }] = await Promise.all([
    import('../src/config.ts'),
    import('../src/main.ts'),
    import('../test/support/fixture-gateway.ts'),
    import('../test/support/fake-slack.ts'),
    import('../test/support/redis.ts'),
    import('../test/support/storm-scenario.ts'),
  ]);
  const redis = await startRedis();
  const slack = await startFakeSlack(latencyMs > 0 ? { latencyMs } : {});
  const workloads = stormWorkloads(count);
  const gateway = FixtureGateway.fromSnapshots(workloads.map(stormSnapshot), 'prod');
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-bench',
    SLACK_SIGNING_SECRET: 'bench-signing-secret-not-real',
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    PORT: '0',
    CLUSTER_NAME: 'prod',
    CRASHLOOP_REDIS_PREFIX: uniqueName('stormbench'),
    ALERTMANAGER_TOKEN: TOKEN,
    ALERT_CHANNEL: STORM_CHANNEL,
  });
  const bot = await startBot({ config, createGateway: () => gateway, log: () => undefined });
  try {
    const figures = await stormFigures({ url: `http://127.0.0.1:${bot.port}/alertmanager`, token: TOKEN, slack, workloads, waitS, rss: () => process.memoryUsage().rss / 1024 / 1024 });
    onView?.(slack.channelView(STORM_CHANNEL));
    return figures;
  } finally {
    await bot.close();
    await slack.close();
    await redis.stop();
  }
}

// `node bench/storm.ts --fixture [latencyMs]`: the in-process storm, no cluster needed.
if (import.meta.url === `file://${process.argv[1] ?? ''}` && process.argv.includes('--fixture')) {
  const latency = Number(process.argv[process.argv.indexOf('--fixture') + 1] ?? 0) || 0;
  console.log(JSON.stringify(await fixtureStorm(latency)));
  process.exit(0);
}
