// A worker process for the Redis fault tests: the bot's real worker (src/queue/worker.ts, with its lock
// and stall settings) over the bot's real connection code (src/redis/connect.ts), running a job that
// holds for JOB_MS (so a kill lands mid-job). It prints one line per event: `started <id>`,
// `target <id> <target text>`, `completed <id>`, `error <message>`; the test reads them.
//   node test/support/queue-worker-process.ts  with QUEUE_CLUSTER, REDIS_PREFIX, JOB_MS and REDIS_* env.
import { loadConfig } from '../../src/config.ts';
import { connectRedis } from '../../src/redis/connect.ts';
import { closeWorker, startDiagnosisWorker } from '../../src/queue/worker.ts';

const env = process.env;
const config = loadConfig({ ...env, SLACK_BOT_TOKEN: 'xoxb-test-worker', SLACK_SIGNING_SECRET: 'unused-test' }, { role: 'worker' });
const connection = connectRedis(config.redis, 'queue');
const jobMs = Number(env.JOB_MS ?? '20');
const say = (line: string): void => void process.stdout.write(`${line}\n`);

const worker = startDiagnosisWorker(
  env.QUEUE_CLUSTER ?? 'faults',
  async (job) => {
    say(`started ${job.id ?? '?'}`);
    // Some tests queue bare data ({ n }) without a target.
    say(`target ${job.id ?? '?'} ${(job.data as { target?: { text?: string } }).target?.text ?? '-'}`);
    // The job's own work: a timer, as a diagnosis waits on the apiserver and Slack.
    await new Promise((resolve) => setTimeout(resolve, jobMs));
    return { ok: true };
  },
  { connection, prefix: env.REDIS_PREFIX ?? config.redisPrefix, concurrency: Number(env.CONCURRENCY ?? '4') },
);
worker.on('completed', (job) => say(`completed ${job.id ?? '?'}`));
worker.on('error', (error) => say(`error ${error.message}`));
worker.on('ready', () => say('ready'));

process.on('SIGTERM', () => {
  void closeWorker(worker, 10_000).then(async () => {
    await connection.quit().catch(() => undefined);
    process.exit(0);
  });
});
