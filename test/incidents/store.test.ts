// The incident store on a private redis-server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createIncidentStore, type FiringFacts, type IncidentStore } from '../../src/incidents/store.ts';
import { restartBand } from '../../src/incidents/bands.ts';
import { formatDuration } from '../../src/incidents/messages.ts';
import { connectedRedis } from '../alertmanager/harness.ts';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';

let redis: TestRedis;
let client: Redis;
let store: IncidentStore;
const now = new Date('2026-11-21T22:05:00Z');
const facts: FiringFacts = { channel: 'C0ALERTS', fingerprint: 'fp1', startsAt: '2026-11-21T22:00:00Z', container: 'api', alertname: 'KubePodCrashLooping', restartBand: 1 };

function key() {
  return { cluster: 'c1', namespace: 'shop', workload: `Deployment/${uniqueName('api')}` };
}

beforeAll(async () => {
  redis = await startRedis();
  client = await connectedRedis(redis.url);
  store = createIncidentStore(client, { prefix: redis.prefix, ttlSeconds: 600 });
});
afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

describe('incident store', () => {
  it('opens an incident on its first alert, with a TTL on every key', async () => {
    const k = key();
    const first = await store.recordFiring(k, facts, now);
    expect(first).toEqual({ created: true, generation: 0, channel: 'C0ALERTS', changes: [] });
    const incident = await store.get(k);
    expect(incident).toEqual({
      key: k, channel: 'C0ALERTS', status: 'firing', openedAt: '2026-11-21T22:00:00Z', generation: 0,
      containers: ['api'], alertnames: ['KubePodCrashLooping'], restartBand: 1, folded: 0, unchanged: 0,
    });
    const ttl = await client.ttl(store.keys.hashKey(k));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600);
    expect(await client.ttl(store.keys.firingKey(k))).toBeGreaterThan(0);
  });

  it('reports a new container and a higher restart band as changes, and nothing for repeats', async () => {
    const k = key();
    await store.recordFiring(k, facts, now);
    expect((await store.recordFiring(k, { ...facts, fingerprint: 'fp2' }, now)).changes).toEqual([]);
    expect((await store.recordFiring(k, { ...facts, restartBand: 0 }, now)).changes).toEqual([]);
    const sidecar = await store.recordFiring(k, { ...facts, fingerprint: 'fp3', container: 'envoy' }, now);
    expect(sidecar).toMatchObject({ created: false, generation: 1, changes: [{ kind: 'container', container: 'envoy' }] });
    const worse = await store.recordFiring(k, { ...facts, restartBand: 3 }, now);
    expect(worse).toMatchObject({ generation: 2, changes: [{ kind: 'restart-band', band: 3 }] });
  });

  it('resolves when the last firing alert resolves, once, and reopens on a new firing', async () => {
    const k = key();
    await store.recordFiring(k, facts, now);
    await store.recordFiring(k, { ...facts, fingerprint: 'fp2' }, now);
    expect(await store.recordResolved(k, 'fp1', new Date('2026-11-21T22:10:00Z'))).toEqual({ kind: 'still-firing', remaining: 1 });
    const done = await store.recordResolved(k, 'fp2', new Date('2026-11-21T22:12:00Z'));
    expect(done.kind === 'resolved' && done.incident.resolvedAt).toBe('2026-11-21T22:12:00.000Z');
    expect(await store.recordResolved(k, 'fp2', new Date())).toEqual({ kind: 'already-resolved' });
    expect(await store.recordResolved(key(), 'fp9', new Date())).toEqual({ kind: 'unknown' });
    const again = await store.recordFiring(k, { ...facts, startsAt: '2026-11-21T23:00:00Z' }, now);
    expect(again.changes).toEqual([{ kind: 'refired' }]);
    expect((await store.get(k))?.status).toBe('firing');
  });

  it('grants the parent claim to exactly one of 50 concurrent callers, and gives it back on release', async () => {
    const k = key();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.claimParent(k, `t${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = `t${results.indexOf(true)}`;
    await store.releaseParentClaim(k, 'not-the-winner');
    expect(await store.claimParent(k, 'late')).toBe(false);
    await store.releaseParentClaim(k, winner);
    expect(await store.claimParent(k, 'late')).toBe(true);
  });

  it('survives a restart: a new client and store see the same incident and parent', async () => {
    const k = key();
    await store.recordFiring(k, facts, now);
    await store.setParentTs(k, '1700000000.000100');
    const other = await connectedRedis(redis.url);
    try {
      const reborn = createIncidentStore(other, { prefix: redis.prefix });
      expect((await reborn.get(k))?.parentTs).toBe('1700000000.000100');
      expect((await reborn.recordFiring(k, facts, now)).parentTs).toBe('1700000000.000100');
    } finally {
      other.disconnect();
    }
  });

  it('tells the worker whether a diagnosed cause is new', async () => {
    const k = key();
    expect(await store.noteCause(k, 'oom-killed')).toBe(false);
    await store.recordFiring(k, facts, now);
    expect(await store.noteCause(k, 'oom-killed')).toBe(true);
    expect(await store.noteCause(k, 'oom-killed')).toBe(false);
    expect(await store.noteCause(k, 'liveness-probe-failed')).toBe(true);
  });
});

describe('bands and durations', () => {
  it.each([[undefined, 0], [0, 0], [1, 1], [4, 1], [5, 2], [19, 2], [20, 3], [100, 4], [5000, 4]])('restartBand(%s) = %s', (count, band) => {
    expect(restartBand(count)).toBe(band);
  });
  it.each([[45_000, '45 s'], [12 * 60_000, '12 min'], [185 * 60_000, '3 h 5 min'], [52 * 3600_000, '2 d 4 h']])('formatDuration(%s) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
