// Idle resident memory of each role of `crashloop serve`, started as an operator starts it: the median
// of a few /proc samples after it has listened and settled.
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchEnv } from './lib/env.ts';
import { serve } from './lib/proc.ts';
import { load, round, summarize } from './lib/stats.ts';

export type Role = 'web' | 'worker' | 'all';

export async function idleRssBench(env: BenchEnv, settleMs = 3000): Promise<{ idleRssMb: Record<Role, number>; load: number }> {
  const idle = {} as Record<Role, number>;
  for (const role of ['web', 'worker', 'all'] as const) {
    const bot = await serve(['--role', role], env.serveEnv({ PORT: '0' }));
    try {
      await sleep(settleMs);
      const samples: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        samples.push(bot.rss() ?? Number.NaN);
        await sleep(200);
      }
      idle[role] = round(summarize(samples).median);
    } finally {
      await bot.stop();
    }
  }
  return { idleRssMb: idle, load: load() };
}
