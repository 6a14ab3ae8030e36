// An Alertmanager storm on a served bot (`crashloop serve`, role all): 1,000 firing alerts over 100
// crash-looping Deployments on kwok, sent as 10 concurrent webhooks of 100, with the local Slack server
// answering at once and then after 300 ms. Counts what the team sees: one parent and one report per
// workload, how long until every cause is posted, and the bot's peak memory meanwhile.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { crashLoopAlert, payload } from '../test/alertmanager/fixtures.ts';
import type { FakeSlack, RecordedCall } from '../test/support/fake-slack.ts';
import { ALERT_TOKEN, type BenchEnv } from './lib/env.ts';
import { serve } from './lib/proc.ts';
import { load, round, summarize } from './lib/stats.ts';
import { crashingWorkloads, type Workload } from './lib/workloads.ts';

const reportsOf = (slack: FakeSlack): RecordedCall[] =>
  slack.callsOf('chat.postMessage').filter((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'crashloop_report');

async function storm(env: BenchEnv, slack: FakeSlack, workloads: Workload[], routesYaml: string, perWorkload: number, waitS: number) {
  const bot = await serve(['--role', 'all'], env.serveEnv({ PORT: '0', ALERTMANAGER_TOKEN: ALERT_TOKEN, CRASHLOOP_ROUTES: routesYaml }, slack));
  try {
    const port = /listening on port (\d+)/.exec(bot.output())?.[1];
    const url = `http://127.0.0.1:${port}/alertmanager`;
    const before = { calls: slack.calls.length, reports: reportsOf(slack).length };
    // Each workload alerts for its real pod and for siblings of it (other replicas' names).
    const alerts = workloads.flatMap((w) => Array.from({ length: perWorkload }, (_, r) => crashLoopAlert({ namespace: w.namespace, pod: r === 0 ? w.pod : `${w.pod.replace(/-[^-]+$/, '')}-r${r}x${w.name.length}`, container: w.container })));
    const batches = Array.from({ length: perWorkload }, (_, i) => alerts.filter((_, j) => j % perWorkload === i));
    let peak = bot.rss() ?? 0;
    const sampler = setInterval(() => (peak = Math.max(peak, bot.rss() ?? 0)), 50);
    const t0 = performance.now();
    const webhook: number[] = [];
    const statuses = await Promise.all(
      batches.map(async (batch) => {
        const s = performance.now();
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ALERT_TOKEN}` }, body: JSON.stringify(payload(batch)) });
        await res.arrayBuffer();
        webhook.push(performance.now() - s);
        return res.status;
      }),
    );
    let visibleS: number | null = null;
    while (performance.now() - t0 < waitS * 1000) {
      if (reportsOf(slack).length - before.reports >= workloads.length) {
        visibleS = round((performance.now() - t0) / 1000, 2);
        break;
      }
      await sleep(100);
    }
    clearInterval(sampler);
    const reports = reportsOf(slack).slice(before.reports);
    const parents = slack.calls.slice(before.calls).filter((c) => c.method === 'chat.postMessage' && c.status === 200 && c.args.thread_ts === undefined && !reports.includes(c));
    const perPod = new Map<string, number>();
    for (const r of reports) {
      const p = (r.args.metadata as { event_payload?: { namespace?: string; pod?: string } }).event_payload;
      const key = `${p?.namespace ?? ''}/${(p?.pod ?? '').replace(/-[^-]+-[^-]+$/, '')}`;
      perPod.set(key, (perPod.get(key) ?? 0) + 1);
    }
    const seen = workloads.filter((w) => perPod.has(`${w.namespace}/${w.name}`)).length;
    return {
      alerts: alerts.length,
      workloads: workloads.length,
      webhookStatuses: [...new Set(statuses)],
      webhookP99Ms: round(summarize(webhook).p99),
      diagnoses: reports.length,
      parents: parents.length,
      duplicates: [...perPod.values()].reduce((n, c) => n + Math.max(0, c - 1), 0),
      lost: workloads.length - seen,
      secondsToAllCausesVisible: visibleS,
      peakRssMb: round(Math.max(peak, bot.rss() ?? 0)),
      load: load(),
    };
  } finally {
    await bot.stop();
  }
}

export async function bench(env: BenchEnv, quick: boolean, log: (line: string) => void) {
  const count = quick ? 10 : 100;
  const set = await crashingWorkloads(env, count, quick ? 2 : 5, log);
  try {
    const fast = await storm(env, env.slack, set.list, set.routesYaml, 10, quick ? 60 : 240);
    log(`storm: fast Slack: ${JSON.stringify(fast)}`);
    const slow = await storm(env, await env.slowSlack(300), set.list, set.routesYaml, 10, quick ? 90 : 400);
    log(`storm: Slack at 300 ms: ${JSON.stringify(slow)}`);
    return { figures: { storm: fast, stormSlowSlack: slow }, details: { channels: set.channels.length } };
  } finally {
    await set.remove();
  }
}
