// The feedback store on a real Redis: what the worker keeps of a report is redacted and bounded (size,
// count, TTL); a label is stored once per report; the oldest labels go first past the cap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { diagnose } from '../../diagnostics/index.ts';
import { boundSnapshot } from '../../src/feedback/bound.ts';
import { createFeedbackStore, type FeedbackStore } from '../../src/feedback/store.ts';
import type { FeedbackItem } from '../../src/feedback/types.ts';

// Fake secrets, in formats the redaction knows.
const SECRET_PASSWORD = 'hunter2-fake-pw-5521';
const SECRET_TOKEN = 'ghp_FAKEfakeFAKEfake0123456789abcdefABCD';
const LOG = [`connecting with password=${SECRET_PASSWORD}`, `token ${SECRET_TOKEN} loaded`, 'Error: Cannot find module \'express\''].join('\n');

let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

function store(limits: Parameters<typeof createFeedbackStore>[1] = {}): { store: FeedbackStore; prefix: string } {
  const prefix = uniqueName('fb');
  return { store: createFeedbackStore(client, { prefix, ...limits }), prefix };
}

function itemFor(id: string, kept: NonNullable<Awaited<ReturnType<FeedbackStore['loadSnapshot']>>>, markedAt: string): FeedbackItem {
  const { v: _v, ...rest } = kept;
  return { ...rest, v: 1, markedAt, user: 'UALICE01', channel: 'C0TEST', threadTs: '1700000000.000001', expected: { cause: 'oom-killed', container: 'app', note: '' } };
}

describe('the report snapshot the worker keeps', () => {
  it('is redacted, expires with the buttons, and names the engine answer and containers', async () => {
    const { store: s, prefix } = store();
    const snapshot = crashingSnapshot({ namespace: 'shop', name: 'api-1', container: 'app', previousLog: LOG });
    const report = diagnose(snapshot);
    const saved = await s.saveSnapshot('report1', 'prod', snapshot, report);
    expect(saved.saved).toBe(true);
    const raw = (await client.get(`${prefix}:feedback:snapshot:report1`)) ?? '';
    expect(raw).toContain('Cannot find module');
    expect(raw).not.toContain(SECRET_PASSWORD);
    expect(raw).not.toContain(SECRET_TOKEN);
    const ttl = await client.ttl(`${prefix}:feedback:snapshot:report1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
    const kept = await s.loadSnapshot('report1');
    expect(kept?.engine.cause).toBe(report.findings[0]?.cause);
    expect(kept?.containers).toEqual(['app']);
    expect(kept?.namespace).toBe('shop');
  });

  it('cuts long logs (keeping their end) to fit the size cap, and refuses what cannot fit', async () => {
    const long = `${Array.from({ length: 20_000 }, (_, i) => `info: line ${i} ${'x'.repeat(40)}`).join('\n')}\nFATAL: the decisive last line`;
    const snapshot = crashingSnapshot({ namespace: 'shop', name: 'api-2', previousLog: long });
    const { store: s, prefix } = store({ limits: { maxSnapshotBytes: 16 * 1024 } });
    const saved = await s.saveSnapshot('report2', 'prod', snapshot, diagnose(snapshot));
    expect(saved.saved).toBe(true);
    const raw = (await client.get(`${prefix}:feedback:snapshot:report2`)) ?? '';
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(16 * 1024 + 4096);
    expect(raw).toContain('FATAL: the decisive last line');
    expect(raw).not.toContain('info: line 0 ');
    // The pod itself is larger than the cap: nothing is kept, and the caller is told why.
    const tiny = store({ limits: { maxSnapshotBytes: 500 } });
    const refused = await tiny.store.saveSnapshot('report3', 'prod', snapshot, diagnose(snapshot));
    expect(refused).toMatchObject({ saved: false });
    expect(await client.exists(`${tiny.prefix}:feedback:snapshot:report3`)).toBe(0);
  });

  it('bounds the JSON it returns, pure', () => {
    const snapshot = crashingSnapshot({ namespace: 'shop', name: 'api-4', previousLog: 'a'.repeat(300_000) });
    const bounded = boundSnapshot(snapshot, 8 * 1024);
    expect(bounded).toBeDefined();
    expect(Buffer.byteLength(bounded?.json ?? '')).toBeLessThanOrEqual(8 * 1024);
    expect(bounded?.logCharsDropped).toBeGreaterThan(290_000);
  });

  it('keeps at most maxSnapshots; the oldest go first', async () => {
    let t = Date.parse('2026-12-01T00:00:00Z');
    const { store: s, prefix } = createCapped(3, () => new Date((t += 1000)));
    for (const id of ['a1', 'a2', 'a3', 'a4', 'a5']) {
      const snapshot = crashingSnapshot({ namespace: 'shop', name: `pod-${id}`, previousLog: 'Error: boom' });
      expect((await s.saveSnapshot(id, 'prod', snapshot, diagnose(snapshot))).saved).toBe(true);
    }
    expect(await client.zcard(`${prefix}:feedback:snapshots`)).toBe(3);
    expect(await s.loadSnapshot('a1')).toBeUndefined();
    expect(await s.loadSnapshot('a2')).toBeUndefined();
    expect((await s.loadSnapshot('a5'))?.pod).toBe('pod-a5');
  });
});

function createCapped(max: number, now: () => Date): { store: FeedbackStore; prefix: string } {
  const prefix = uniqueName('fb');
  return { store: createFeedbackStore(client, { prefix, now, limits: { maxSnapshots: max, maxItems: max } }), prefix };
}

describe('labels', () => {
  it('are stored once per report (a second label is refused and the first one returned), with a TTL', async () => {
    const { store: s, prefix } = store();
    const snapshot = crashingSnapshot({ namespace: 'shop', name: 'api-5', previousLog: LOG });
    await s.saveSnapshot('r5', 'prod', snapshot, diagnose(snapshot));
    const kept = await s.loadSnapshot('r5');
    if (kept === undefined) throw new Error('snapshot not kept');
    const first = await s.record(itemFor('r5', kept, '2026-12-01T10:00:00Z'));
    expect(first.stored).toBe(true);
    const second = await s.record({ ...itemFor('r5', kept, '2026-12-01T10:00:01Z'), user: 'UBOB0001', expected: { cause: 'segfault', container: 'app', note: '' } });
    expect(second).toMatchObject({ stored: false, existing: { user: 'UALICE01', expected: { cause: 'oom-killed' } } });
    expect(await s.list()).toHaveLength(1);
    const ttl = await client.ttl(`${prefix}:feedback:item:r5`);
    expect(ttl).toBeGreaterThan(24 * 3600);
    expect(ttl).toBeLessThanOrEqual(30 * 24 * 3600);
  });

  it('keep at most maxItems (oldest evicted), list by time and since, and ignore what does not validate', async () => {
    let t = Date.parse('2026-12-01T00:00:00Z');
    const { store: s, prefix } = createCapped(3, () => new Date((t += 60_000)));
    const ids = ['b1', 'b2', 'b3', 'b4'];
    for (const [i, id] of ids.entries()) {
      const snapshot = crashingSnapshot({ namespace: 'shop', name: `pod-${id}`, previousLog: 'Error: boom' });
      await s.saveSnapshot(id, 'prod', snapshot, diagnose(snapshot));
      const kept = await s.loadSnapshot(id);
      if (kept === undefined) throw new Error('snapshot not kept');
      expect((await s.record(itemFor(id, kept, `2026-12-02T00:0${i}:00Z`))).stored).toBe(true);
    }
    expect((await s.list()).map((i) => i.id)).toEqual(['b2', 'b3', 'b4']);
    expect(await client.exists(`${prefix}:feedback:item:b1`)).toBe(0);
    expect((await s.list(new Date('2026-12-02T00:02:00Z'))).map((i) => i.id)).toEqual(['b3', 'b4']);
    // Redis is a trust boundary: a tampered entry is skipped, not exported.
    await client.set(`${prefix}:feedback:item:b3`, JSON.stringify({ v: 1, id: 'b3', expected: { cause: 'not-a-cause' } }));
    expect((await s.list()).map((i) => i.id)).toEqual(['b2', 'b4']);
  });
});
