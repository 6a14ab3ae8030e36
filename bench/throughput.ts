// Worker throughput: a served `crashloop serve --role worker` at several concurrencies
// (CRASHLOOP_WORKER_CONCURRENCY) drains N queued diagnoses of a crashing pod on the kwok cluster and
// posts each report to the local Slack server. Each job replies in its own channel, so the figure is
// the worker's (capture, engine, post), not one channel's Slack pacing; a same-channel run shows that.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createJobRouter } from '../src/queue/queues.ts';
import type { DiagnosisJobData } from '../src/queue/types.ts';
import type { BenchEnv } from './lib/env.ts';
import { serve } from './lib/proc.ts';
import { crashingPod } from './lib/scenario.ts';
import { load, round } from './lib/stats.ts';

async function drain(env: BenchEnv, target: { namespace: string; pod: string }, concurrency: number, jobs: number, sameChannel: boolean) {
  const childEnv = env.serveEnv({ PORT: '0', CRASHLOOP_WORKER_CONCURRENCY: String(concurrency) });
  const bot = await serve(['--role', 'worker'], childEnv);
  const connection = new Redis(env.redis.url, { maxRetriesPerRequest: null });
  const router = createJobRouter(['bench'], { connection, prefix: childEnv.CRASHLOOP_REDIS_PREFIX ?? 'crashloop' });
  try {
    const queue = router.queueFor('bench');
    const data = (i: number): DiagnosisJobData => ({
      v: 1,
      cluster: 'bench',
      target: { text: `${target.namespace}/${target.pod}` },
      origin: 'slash-command',
      reply: { channel: sameChannel ? 'C0BENCH' : `C0BENCH${i}`, userId: 'U0BENCH' },
      requestedAt: new Date().toISOString(),
    });
    // Queued in one batch before the clock starts: the figure is the worker's, not the producer's.
    await queue.pause();
    await queue.addBulk(Array.from({ length: jobs }, (_, i) => ({ name: 'diagnose', data: data(i) })));
    let peakRss = bot.rss() ?? 0;
    const cpu0 = bot.cpu() ?? Number.NaN;
    const t0 = performance.now();
    await queue.resume();
    for (;;) {
      const counts = await queue.getJobCounts('completed', 'failed');
      peakRss = Math.max(peakRss, bot.rss() ?? 0);
      if ((counts.completed ?? 0) + (counts.failed ?? 0) >= jobs) {
        const seconds = (performance.now() - t0) / 1000;
        // CPU time per job (capture, engine, Redis, posting): the machine's load does not inflate it.
        const cpuMsPerJob = round(((bot.cpu() ?? Number.NaN) - cpu0) / jobs, 2);
        return { concurrency, jobs, sameChannel, seconds: round(seconds, 2), perSec: round(jobs / seconds, 1), cpuMsPerJob, failed: counts.failed ?? 0, peakRssMb: round(peakRss) };
      }
      await sleep(50);
    }
  } finally {
    await router.close();
    connection.disconnect();
    await bot.stop();
  }
}

export async function bench(env: BenchEnv, quick: boolean, log: (line: string) => void) {
  const target = await crashingPod(env);
  try {
    const jobs = quick ? 20 : 200;
    const runs = [];
    for (const concurrency of process.env.BENCH_CONCURRENCY?.split(',').map(Number) ?? (quick ? [4] : [1, 4, 16, 32])) {
      const r = await drain(env, target, concurrency, jobs, false);
      log(`throughput: concurrency ${concurrency}: ${r.perSec}/s`);
      runs.push({ ...r, load: load() });
    }
    const paced = await drain(env, target, 4, quick ? 10 : 40, true);
    const perSec = Object.fromEntries(runs.map((r) => [String(r.concurrency), r.perSec]));
    return { figures: { workerThroughputPerSec: perSec }, details: { runs, sameChannel: { ...paced, load: load() } } };
  } finally {
    await target.remove();
  }
}
