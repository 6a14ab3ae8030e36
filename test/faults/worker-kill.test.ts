// kill -9 of a worker process in the middle of its jobs: each job is handed back (its lock lapses) and
// completes exactly once on the next worker. The recovery time is printed, not asserted.
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startControlledRedis, uniqueName, type ControlledRedis } from '../support/redis.ts';
import { createJobRouter, type JobRouter } from '../../src/queue/queues.ts';
import { PRODUCER_OPTIONS } from '../../src/redis/connect.ts';
import { startWorkerProcess, until, type WorkerProcess } from './harness.ts';

let redis: ControlledRedis | undefined;
let producer: Redis | undefined;
let router: JobRouter | undefined;
const workers: WorkerProcess[] = [];
afterAll(async () => {
  for (const w of workers) await w.kill();
  await router?.close();
  producer?.disconnect();
  await redis?.stop();
});

describe('worker killed mid-job', () => {
  it('completes every job exactly once after kill -9 of the worker running them', async () => {
    redis = await startControlledRedis();
    const cluster = uniqueName('kill');
    const prefix = uniqueName('kill');
    producer = new Redis(redis.url, PRODUCER_OPTIONS);
    producer.on('error', () => undefined);
    await until(() => producer?.status === 'ready', 'the producer');
    router = createJobRouter([cluster], { connection: producer, prefix });
    // The victim holds each job for a minute: the kill lands mid-job for sure.
    const victim = await startWorkerProcess({ redisUrl: redis.url, cluster, prefix, jobMs: 60_000 });
    workers.push(victim);
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) ids.push(await router.enqueue({ v: 1, cluster, target: { text: `shop/web-${i}` }, origin: 'slash-command', reply: { channel: 'C0KILL' }, requestedAt: new Date().toISOString() }));
    await until(() => victim.started().length === 4, 'the victim to start all four jobs');
    await victim.kill('SIGKILL');
    const killedAt = performance.now();

    const next = await startWorkerProcess({ redisUrl: redis.url, cluster, prefix, jobMs: 5 });
    workers.push(next);
    await until(() => ids.every((id) => next.completed().includes(id)), 'the next worker to complete the four jobs', 90_000);
    process.stderr.write(`faults: worker kill -9 -> all 4 jobs completed again ${Math.round(performance.now() - killedAt)} ms later\n`);

    expect(victim.completed()).toEqual([]);
    expect([...next.completed()].sort()).toEqual([...ids].sort());
    const counts = await router.queueFor(cluster).getJobCounts('completed', 'failed', 'wait', 'active', 'delayed');
    expect(counts).toMatchObject({ completed: 4, failed: 0, wait: 0, active: 0, delayed: 0 });
  });
});
