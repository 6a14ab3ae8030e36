// Bounded enqueue against a private redis-server that is killed, hung (SIGSTOP) and restarted: an
// enqueue the caller was told is refused never runs, an accepted one runs exactly once, and the producer
// recovers by itself once Redis is back.
import { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { startControlledRedis, uniqueName, type ControlledRedis } from '../support/redis.ts';
import { createJobRouter, type JobRouter } from '../../src/queue/queues.ts';
import { startDiagnosisWorker } from '../../src/queue/worker.ts';
import { EnqueueRefusedError, refusalKey } from '../../src/queue/bounded-enqueue.ts';
import { PRODUCER_OPTIONS } from '../../src/redis/connect.ts';
import { diagnosisQueueName, type DiagnosisJobData } from '../../src/queue/types.ts';
import { until } from '../support/wait.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

const job = (n: number): DiagnosisJobData => ({ v: 1, cluster: 'c1', target: { text: `ns/pod-${n}` }, origin: 'slash-command', reply: { channel: 'C1' }, requestedAt: new Date().toISOString() });

async function setup(): Promise<{ redis: ControlledRedis; router: JobRouter; producer: Redis; ran: string[]; worker: Worker; prefix: string }> {
  const redis = await startControlledRedis();
  cleanups.push(() => redis.stop());
  const prefix = uniqueName('bounded');
  const producer = new Redis(redis.url, PRODUCER_OPTIONS);
  producer.on('error', () => undefined);
  cleanups.push(async () => producer.disconnect());
  await until(() => producer.status === 'ready', 'the producer connection');
  const router = createJobRouter(['c1'], { connection: producer, prefix, enqueueTimeoutMs: 600 });
  router.queueFor('c1').on('error', () => undefined);
  cleanups.push(() => router.close());
  const consumer = new Redis(redis.url, { maxRetriesPerRequest: null });
  consumer.on('error', () => undefined);
  cleanups.push(async () => consumer.disconnect());
  const ran: string[] = [];
  const worker = startDiagnosisWorker('c1', async (j) => void ran.push(j.data.target.text), { connection: consumer, prefix, concurrency: 1 });
  cleanups.push(() => worker.close(true));
  return { redis, router, producer, ran, worker, prefix };
}

describe('bounded enqueue', () => {
  it('refuses at once while Redis is down (nothing is sent later) and queues again once it is back', async () => {
    const { redis, router, producer, ran } = await setup();
    await router.enqueue(job(1));
    await until(() => ran.includes('ns/pod-1'), 'job 1 to run');

    await redis.signal('SIGKILL');
    await until(() => producer.status !== 'ready', 'the producer to notice');
    const refused = await router.enqueue(job(2)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(EnqueueRefusedError);
    expect((refused as EnqueueRefusedError).reason).toBe('offline');

    await redis.restart();
    await until(() => producer.status === 'ready', 'the producer to reconnect by itself');
    await router.enqueue(job(3));
    await until(() => ran.includes('ns/pod-3'), 'job 3 to run after the restart');
    const counts = await router.queueFor('c1').getJobCounts('completed', 'failed', 'wait', 'active', 'delayed');
    expect(counts).toMatchObject({ completed: 2, failed: 0, wait: 0, active: 0, delayed: 0 });
    expect(ran).toEqual(['ns/pod-1', 'ns/pod-3']);
  });

  it('refuses after its bound when Redis hangs; the add that lands later is fenced and never runs', async () => {
    const { redis, router, ran, prefix } = await setup();
    await redis.signal('SIGSTOP');
    const refused = await router.enqueue(job(4), { jobId: 'late-4' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((refused as EnqueueRefusedError).reason).toBe('timeout');
    await redis.signal('SIGCONT');

    const queue = router.queueFor('c1');
    // The add was in flight: it lands now, behind its fence, and the worker drops it.
    const failed = await until(async () => {
      const j = await queue.getJob('late-4');
      return j?.failedReason !== undefined && j.failedReason !== '' ? j : undefined;
    }, 'the late job to be dropped');
    expect(failed.failedReason).toMatch(/refused at enqueue/);
    expect(failed.attemptsMade).toBeLessThanOrEqual(1);
    const probe = new Redis(redis.url);
    cleanups.push(async () => probe.disconnect());
    expect(await probe.get(refusalKey(prefix, diagnosisQueueName('c1'), 'late-4'))).not.toBeNull();

    // Accepted afterwards: runs once; the refused one never did.
    await router.enqueue(job(5));
    await until(() => ran.includes('ns/pod-5'), 'job 5 to run');
    expect(ran).toEqual(['ns/pod-5']);
  });
});
