// Redis down: the webhook answers 503 (so Alertmanager retries) and never 200.
import { afterEach, describe, expect, it } from 'vitest';
import { startRedis } from '../support/redis.ts';
import { crashLoopAlert, payload } from './fixtures.ts';
import { post, startHarness, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
});

describe('Redis unavailable', () => {
  it('answers 503 with Retry-After when the private redis-server is stopped', async () => {
    const redis = await startRedis();
    h = await startHarness({ redis, recordTimeoutMs: 2000 });
    const ok = await post(h.url, payload([crashLoopAlert()]));
    expect(ok.status).toBe(200);

    await redis.stop();
    const res = await fetch(h.url, {
      method: 'POST',
      headers: { authorization: 'Bearer s3cr3t-test-alertmanager-token', 'content-type': 'application/json' },
      body: JSON.stringify(payload([crashLoopAlert({ pod: 'payments-api-7d9f8b6c5d-k8m2n' })])),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('10');
    expect(String(((await res.json()) as { error: string }).error)).toMatch(/Redis is unavailable/);
    expect(h.errors.some((e) => e.includes('answering 503'))).toBe(true);
  });
});
