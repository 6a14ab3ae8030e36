// Redis killed (-9) and restarted with AOF under the real web process: nothing accepted is lost, a
// command refused while Redis was down never runs, the webhook answers 5xx while it is down, the slash
// command a clear ephemeral message, and everything recovers by itself (no restart of the bot).
import { afterAll, describe, expect, it } from 'vitest';
import { crashLoopAlert, payload } from '../alertmanager/fixtures.ts';
import { startWebStack, startWorkerProcess, until, type WebStack, type WorkerProcess } from './harness.ts';

let stack: WebStack | undefined;
let worker: WorkerProcess | undefined;
afterAll(async () => {
  await worker?.kill();
  await stack?.close();
});

describe('Redis kill -9 and restart (AOF)', () => {
  it('loses nothing accepted, runs nothing refused, answers 5xx and a clear message while down, recovers', async () => {
    stack = await startWebStack();
    const s = stack;
    // 20 commands accepted while no worker runs: they wait in Redis.
    const accepted: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const target = `shop/web-${i}`;
      const ack = await s.slash(target);
      expect(ack.text, target).toContain(`Diagnosing ${target}`);
      accepted.push(target);
    }
    const firing = await s.alert(payload([crashLoopAlert({ namespace: 'shop', pod: 'api-7d9f8b6c5d-k8m2n', fingerprint: 'fp-before' })]));
    expect(firing.status).toBe(200);

    await s.redis.signal('SIGKILL');
    await until(async () => (await s.ready()) === 503, '/readyz to report Redis down');

    const refused = await s.slash('shop/refused-while-down');
    expect(refused.status).toBe(200);
    expect(refused.responseType).toBe('ephemeral');
    expect(refused.text).toContain('could not queue the diagnosis');
    expect(refused.text).toContain('nothing will run');
    const webhook = await s.alert(payload([crashLoopAlert({ namespace: 'shop', pod: 'db-0', fingerprint: 'fp-down' })]));
    expect(webhook.status).toBeGreaterThanOrEqual(500);
    expect(webhook.headers.get('retry-after')).not.toBeNull();
    expect(s.serve.child.exitCode).toBeNull();

    await s.redis.restart();
    await until(async () => (await s.ready()) === 200, '/readyz to recover by itself');
    const after = await s.slash('shop/after-restart');
    expect(after.text).toContain('Diagnosing shop/after-restart');
    const resent = await s.alert(payload([crashLoopAlert({ namespace: 'shop', pod: 'db-0', fingerprint: 'fp-down' })]));
    expect(resent.status).toBe(200);

    // 20 commands + the first alert + the command after the restart + the re-sent alert.
    worker = await startWorkerProcess({ redisUrl: s.redis.url, cluster: s.cluster, prefix: s.prefix, jobMs: 5 });
    const w = worker;
    const done = await until(() => (w.completed().length >= 23 ? w.completed() : undefined), 'every accepted job to run');
    expect(new Set(done).size).toBe(done.length);
    const ran = [...w.targets().values()];
    for (const target of [...accepted, 'shop/after-restart']) expect(ran.filter((t) => t === target), target).toHaveLength(1);
    expect(ran).not.toContain('shop/refused-while-down');
    expect(done).toHaveLength(23);
    expect(s.serve.output()).not.toMatch(/TypeError|unhandled promise rejection|uncaught exception/);
  });
});
