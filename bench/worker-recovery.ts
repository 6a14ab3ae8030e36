// Recovery after a worker dies mid-job: two worker processes (the bot's real worker settings) on one
// queue of a private redis-server; a job is started, its worker is killed with SIGKILL, and the time
// until the other worker completes it is measured. Repeats ROUNDS times and prints each figure.
//   node bench/worker-recovery.ts [rounds]      (needs redis-server on PATH)
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { startRedis } from '../test/support/redis.ts';
import { diagnosisQueueName } from '../src/queue/types.ts';
import { LOCK_DURATION_MS, STALLED_INTERVAL_MS } from '../src/queue/worker.ts';

const WORKER = fileURLToPath(new URL('../test/support/queue-worker-process.ts', import.meta.url));
const rounds = Number(process.argv[2] ?? '5');
const redis = await startRedis({ args: [] });
const prefix = `bench-recovery-${process.pid}`;
const queue = new Queue(diagnosisQueueName('bench'), { connection: { url: redis.url }, prefix });

interface Proc {
  child: ChildProcess;
  lines: string[];
}

function startWorker(): Proc {
  const child = spawn(process.execPath, [WORKER], {
    env: { ...process.env, REDIS_URL: redis.url, REDIS_PREFIX: prefix, QUEUE_CLUSTER: 'bench', JOB_MS: '2000', CONCURRENCY: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const p: Proc = { child, lines: [] };
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    p.lines.push(...parts);
  });
  return p;
}

async function until(probe: () => boolean): Promise<void> {
  while (!probe()) await new Promise((r) => setTimeout(r, 5));
}

const figures: number[] = [];
let workers = [startWorker(), startWorker()];
await until(() => workers.every((w) => w.lines.includes('ready')));
for (let round = 0; round < rounds; round += 1) {
  const id = `recover-${round}`;
  await queue.add('diagnose', { round }, { jobId: id, attempts: 5 });
  await until(() => workers.some((w) => w.lines.includes(`started ${id}`)));
  const victim = workers.find((w) => w.lines.includes(`started ${id}`)) as Proc;
  const survivor = workers.find((w) => w !== victim) as Proc;
  const killedAt = performance.now();
  victim.child.kill('SIGKILL');
  await until(() => survivor.lines.includes(`completed ${id}`));
  const seconds = (performance.now() - killedAt) / 1000;
  figures.push(seconds);
  process.stdout.write(`round ${round + 1}: job completed on the other worker ${seconds.toFixed(1)} s after kill -9 (job itself takes 2 s)\n`);
  const fresh = startWorker();
  await until(() => fresh.lines.includes('ready'));
  workers = [survivor, fresh];
}
for (const w of workers) w.child.kill('SIGKILL');
await queue.close();
await redis.stop();
const sorted = [...figures].sort((a, b) => a - b);
process.stdout.write(
  `lockDuration ${LOCK_DURATION_MS / 1000} s, stalledInterval ${STALLED_INTERVAL_MS / 1000} s: recovery min ${sorted[0]?.toFixed(1)} s, ` +
    `median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} s, max ${sorted[sorted.length - 1]?.toFixed(1)} s over ${figures.length} kills\n`,
);
