// Throughput of one worker process: the whole bot in role `all` (real BullMQ worker, engine, rendering,
// idempotent poster and Redis pacer) over a fixture cluster, posting to the local Slack Web API with a
// fixed latency per call (Slack's own is 100-300 ms). JOBS alert-style jobs, each to its own channel so
// the per-channel pace (one message a second) is not what is measured. Prints jobs per second.
//   node bench/worker-throughput.ts [jobs] [slackLatencyMs] [concurrency]
import { Queue } from 'bullmq';
import { startRedis, uniqueName } from '../test/support/redis.ts';
import { startFakeSlack } from '../test/support/fake-slack.ts';
import { FixtureGateway } from '../test/support/fixture-gateway.ts';
import { crashingSnapshot } from '../test/support/pods.ts';
import { loadConfig } from '../src/config.ts';
import { startBot } from '../src/main.ts';
import { diagnosisQueueName, type DiagnosisJobData } from '../src/queue/types.ts';

const jobs = Number(process.argv[2] ?? '200');
const latencyMs = Number(process.argv[3] ?? '150');
const concurrency = process.argv[4] ?? '4';
const CLUSTER = 'bench';
const redis = await startRedis({ args: [] });
const slack = await startFakeSlack({ latencyMs });
const pods = Array.from({ length: 50 }, (_, i) =>
  crashingSnapshot({ namespace: 'bench', name: `api-${i}-7d9f8b6c5-x2x4z`, container: 'api', deployment: `api-${i}`, reason: 'OOMKilled', exitCode: 137, memoryLimit: '256Mi', previousLog: `${'info: request handled\n'.repeat(200)}FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory` }),
);
const prefix = uniqueName('bench');
const config = loadConfig({
  SLACK_BOT_TOKEN: 'xoxb-bench-0000',
  SLACK_SIGNING_SECRET: 'bench-signing-secret',
  SLACK_API_URL: slack.apiUrl,
  REDIS_URL: redis.url,
  PORT: '0',
  METRICS_PORT: '0',
  CLUSTER_NAME: CLUSTER,
  CRASHLOOP_REDIS_PREFIX: prefix,
  CRASHLOOP_WORKER_CONCURRENCY: concurrency,
});
const bot = await startBot({ config, role: 'worker', createGateway: () => FixtureGateway.fromSnapshots(pods, CLUSTER), log: () => undefined });
const queue = new Queue<DiagnosisJobData>(diagnosisQueueName(CLUSTER), { connection: { url: redis.url }, prefix });
const start = performance.now();
await queue.addBulk(
  Array.from({ length: jobs }, (_, i) => ({
    name: 'diagnose',
    data: { v: 1 as const, cluster: CLUSTER, target: { text: `bench/api-${i % 50}-7d9f8b6c5-x2x4z` }, origin: 'alertmanager' as const, reply: { channel: `C0BENCH${i}` }, requestedAt: new Date().toISOString() },
  })),
);
for (;;) {
  const c = await queue.getJobCounts('completed', 'failed', 'wait', 'active', 'delayed');
  if (process.env.BENCH_DEBUG) process.stdout.write(`${JSON.stringify(c)}\n`);
  if ((c.completed ?? 0) + (c.failed ?? 0) >= jobs) {
    const seconds = (performance.now() - start) / 1000;
    const calls = slack.calls.length;
    process.stdout.write(
      `${jobs} jobs (${c.failed ?? 0} failed) in ${seconds.toFixed(1)} s with one worker, concurrency ${concurrency}, Slack latency ${latencyMs} ms: ` +
        `${(jobs / seconds).toFixed(1)} jobs/s, ${(calls / jobs).toFixed(1)} Slack calls per job\n`,
    );
    break;
  }
  await new Promise((r) => setTimeout(r, 100));
}
await queue.close();
await bot.close();
await slack.close();
await redis.stop();
