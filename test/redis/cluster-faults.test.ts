// Redis as the distributed engine: a real three-master Redis Cluster (one replica each) on loopback and
// three worker processes on one queue. 500 jobs; mid-run one worker is killed with SIGKILL and the master
// holding the queue's hash slot is failed over to its replica (CLUSTER FAILOVER). Every job must complete,
// exactly once. The test waits on states (worker output, CLUSTER NODES), never on fixed delays.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.ts';
import { uniqueName } from '../support/redis.ts';
import { loadConfig } from '../../src/config.ts';
import { connectRedis } from '../../src/redis/connect.ts';
import { diagnosisQueueName } from '../../src/queue/types.ts';
import type { Redis } from 'ioredis';

const WORKER = fileURLToPath(new URL('../support/queue-worker-process.ts', import.meta.url));
const JOBS = 500;
const QUEUE_CLUSTER = 'faults';

interface WorkerProcess {
  child: ChildProcess;
  lines: string[];
}

let cluster: TestRedisCluster;
let client: Redis;
let queue: Queue;
const workers: WorkerProcess[] = [];

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms; worker output tails:\n${workers.map((w) => w.lines.slice(-5).join(' | ')).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const completions = (): string[] => workers.flatMap((w) => w.lines.filter((l) => l.startsWith('completed ')).map((l) => l.slice('completed '.length)));

beforeAll(async () => {
  cluster = await startRedisCluster(3, 1);
}, 60_000);

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await queue?.close().catch(() => undefined);
  await client?.quit().catch(() => undefined);
  await cluster?.stop();
});

describe('BullMQ on a Redis Cluster with a worker killed and a master failed over', () => {
  it('processes each of 500 jobs exactly once', async () => {
    const env = { REDIS_CLUSTER_NODES: cluster.seeds, CRASHLOOP_REDIS_PREFIX: uniqueName('faults') };
    const config = loadConfig({ ...env, SLACK_BOT_TOKEN: 'xoxb-test-faults' }, { role: 'worker' });
    // The configured prefix is hash-tagged for Cluster: every key of the queue shares one slot.
    expect(config.redisPrefix).toBe(`{${env.CRASHLOOP_REDIS_PREFIX}}`);
    client = connectRedis(config.redis, 'queue');
    queue = new Queue(diagnosisQueueName(QUEUE_CLUSTER), { connection: client, prefix: config.redisPrefix });
    queue.on('error', () => undefined);

    for (let i = 0; i < 3; i += 1) {
      const child = spawn(process.execPath, [WORKER], {
        env: { ...process.env, ...env, QUEUE_CLUSTER, JOB_MS: '40', CONCURRENCY: '4' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const w: WorkerProcess = { child, lines: [] };
      let buffer = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        w.lines.push(...parts);
      });
      child.stderr?.on('data', (chunk: Buffer) => w.lines.push(`stderr ${chunk.toString().trim()}`));
      workers.push(w);
    }
    await until('three workers ready', () => workers.every((w) => w.lines.includes('ready')));

    const ids = Array.from({ length: JOBS }, (_, i) => `job-${i}`);
    const add = async (slice: string[]): Promise<void> => {
      for (let i = 0; i < slice.length; i += 100) {
        await queue.addBulk(slice.slice(i, i + 100).map((jobId) => ({ name: 'diagnose', data: { n: jobId }, opts: { jobId, attempts: 5, backoff: { type: 'fixed', delay: 100 } } })));
      }
    };
    // Half the jobs now; the other half once the master has failed over, so the promoted master has work
    // whatever the machine's speed (a loaded machine used to finish everything before the failover).
    await add(ids.slice(0, JOBS / 2));

    // Kill a worker while it holds jobs: it has started some it has not completed.
    const victim = workers[0] as WorkerProcess;
    await until('the first worker mid-job', () => {
      const started = victim.lines.filter((l) => l.startsWith('started ')).length;
      const done = victim.lines.filter((l) => l.startsWith('completed ')).length;
      return completions().length >= 50 && started > done;
    });
    const closed = new Promise((resolve) => victim.child.once('close', resolve));
    victim.child.kill('SIGKILL');
    await closed;
    // What it had started and not finished, once all it wrote has been read.
    const inFlight = new Set(victim.lines.filter((l) => l.startsWith('started ')).map((l) => l.slice(8)));
    for (const l of victim.lines) if (l.startsWith('completed ')) inFlight.delete(l.slice(10));
    expect(inFlight.size).toBeGreaterThan(0);

    // Fail over the master that serves the queue's slot while the run is under way.
    const slot = Number((await cluster.cli(cluster.nodes[0]?.port ?? 0, 'cluster', 'keyslot', config.redisPrefix)).trim());
    const before = await cluster.ownerOf(slot);
    expect(before.replica).toBeDefined();
    expect((await cluster.cli(before.replica ?? 0, 'cluster', 'failover')).trim()).toBe('OK');
    await until('the replica promoted', async () => (await cluster.ownerOf(slot).catch(() => undefined))?.master === before.replica);
    // The second half goes to the promoted master (ioredis follows the MOVED redirections).
    await add(ids.slice(JOBS / 2));

    // Every job completes (Redis is the record), the killed worker's unfinished ones on the others.
    const counts = await until(
      `all ${JOBS} jobs completed`,
      async () => {
        const c = await queue.getJobCounts('completed', 'failed', 'wait', 'active', 'delayed');
        return c.completed === JOBS ? c : undefined;
      },
      180_000,
    );
    expect(counts).toMatchObject({ completed: JOBS, failed: 0, wait: 0, active: 0, delayed: 0 });
    const completed = await queue.getJobs(['completed'], 0, JOBS);
    expect(completed.map((j) => j.id).sort()).toEqual([...ids].sort());
    // Exactly once: no job was completed by two workers (one completion line at most per job)...
    const seen = new Map<string, number>();
    for (const id of completions()) seen.set(id, (seen.get(id) ?? 0) + 1);
    expect([...seen.entries()].filter(([, n]) => n > 1)).toEqual([]);
    // ...and the killed worker's unfinished jobs were taken over by the survivors.
    const takenOver = [...inFlight].filter((id) => workers.slice(1).some((w) => w.lines.includes(`completed ${id}`)));
    expect(takenOver.length).toBeGreaterThan(0);
    expect(workers.slice(1).every((w) => w.child.exitCode === null)).toBe(true);
  }, 480_000);
});
