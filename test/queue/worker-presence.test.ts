// Worker presence from BullMQ's registry on real redis-servers: a live worker, none, a worker that
// closes, and a Redis that refuses CLIENT LIST (as some managed offerings do): 'unknown', never 'none'.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { createWorkerPresence } from '../../src/queue/worker-presence.ts';

let redis: TestRedis;
let locked: TestRedis;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  redis = await startRedis();
  locked = await startRedis({ args: ['--rename-command', 'CLIENT', ''] });
});
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await redis?.stop();
  await locked?.stop();
});

function queueOn(server: TestRedis, name: string, prefix: string): Queue {
  const connection = new Redis(server.url, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const queue = new Queue(name, { connection, prefix });
  queue.on('error', () => undefined);
  closers.push(async () => {
    await queue.close();
    connection.disconnect();
  });
  return queue;
}

describe('worker presence', () => {
  it('is live while a worker consumes the queue, none without one, none again once it closes', async () => {
    const prefix = uniqueName('presence');
    const queues = { prod: queueOn(redis, 'diag-prod', prefix), staging: queueOn(redis, 'diag-staging', prefix) };
    const presence = createWorkerPresence(['prod', 'staging'], (c) => queues[c as keyof typeof queues], { cacheMs: 0 });
    expect(await presence.all()).toEqual({ prod: 'none', staging: 'none' });
    const workerConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
    workerConnection.on('error', () => undefined);
    closers.push(async () => workerConnection.disconnect());
    const worker = new Worker('diag-prod', async () => 'ok', { connection: workerConnection, prefix });
    await worker.waitUntilReady();
    const deadline = Date.now() + 10_000;
    while ((await presence.of('prod')) !== 'live' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await presence.all()).toEqual({ prod: 'live', staging: 'none' });
    await worker.close();
    while ((await presence.of('prod')) !== 'none' && Date.now() < deadline + 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(await presence.of('prod')).toBe('none');
    expect(await presence.of('elsewhere')).toBe('unknown');
  });

  it("answers unknown where Redis refuses CLIENT LIST, so nobody is told a worker is missing when it may not be", async () => {
    const queue = queueOn(locked, 'diag-prod', uniqueName('locked'));
    const presence = createWorkerPresence(['prod'], () => queue);
    expect(await presence.of('prod')).toBe('unknown');
  });
});
