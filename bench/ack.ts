// Ack latency of signed `/crashloop` commands on a served bot (`crashloop serve`, role all): 50 sent at
// once, and 20 one after another for reference. Slack wants the ack within 3 s; the goal is p99 <= 50 ms.
import { performance } from 'node:perf_hooks';
import { postSigned, slashCommandBody } from '../test/support/signing.ts';
import { SIGNING_SECRET, type BenchEnv } from './lib/env.ts';
import { serve } from './lib/proc.ts';
import { crashingPod, type CrashingPod } from './lib/scenario.ts';
import { load, round, roundSummary, summarize } from './lib/stats.ts';

export async function bench(env: BenchEnv, quick: boolean, log: (line: string) => void) {
  const target: CrashingPod | undefined = env.cluster === undefined ? undefined : await crashingPod(env);
  const bot = await serve(['--role', 'all'], env.serveEnv({ PORT: '0' }));
  try {
    const port = /listening on port (\d+)/.exec(bot.output())?.[1];
    const url = `http://127.0.0.1:${port}/slack/events`;
    const text = target === undefined ? 'default/bench-pod' : `${target.namespace}/${target.pod}`;
    const send = async (i: number): Promise<number> => {
      const body = slashCommandBody({ text, responseUrl: env.slack.responseUrl(`ack-${i}`), userId: `U0BENCH${i % 10}` });
      const t0 = performance.now();
      const res = await postSigned(url, SIGNING_SECRET, body);
      await res.arrayBuffer();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`/crashloop answered ${res.status}`);
      return ms;
    };
    for (let i = 0; i < 3; i += 1) await send(i); // warm-up: the first request compiles the path
    const sequential: number[] = [];
    for (let i = 0; i < (quick ? 5 : 20); i += 1) sequential.push(await send(100 + i));
    const burst = quick ? 10 : 50;
    const t0 = performance.now();
    const concurrent = await Promise.all(Array.from({ length: burst }, (_, i) => send(1000 + i)));
    const burstMs = performance.now() - t0;
    const c = roundSummary(summarize(concurrent));
    log(`ack: ${burst} concurrent p99 ${c.p99} ms`);
    return {
      figures: { ackP99Ms: c.p99 },
      details: { load: load(), role: 'all', burst, concurrentMs: c, burstWallMs: round(burstMs), sequentialMs: roundSummary(summarize(sequential)), rssAfterMb: round(bot.rss() ?? Number.NaN) },
    };
  } finally {
    await bot.stop();
    await target?.remove();
  }
}
