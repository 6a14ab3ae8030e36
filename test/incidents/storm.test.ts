// Storm state on a private redis-server, the digest renderer, and the two outbox options storm mode
// needs (a versioned put that never goes backwards, a deferred post that a later put sends at once).
import { WebClient } from '@slack/web-api';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStormTracker, type StormSnapshot } from '../../src/incidents/storm.ts';
import { digestKey, renderStormDigest } from '../../src/incidents/storm-digest.ts';
import { startOutbox } from '../../src/slack/outbox-runner.ts';
import { webClientOutboxSlack } from '../../src/slack/outbox-slack.ts';
import { createOutboxStore } from '../../src/slack/outbox-store.ts';
import { PRIORITY } from '../../src/slack/outbox.ts';
import { RedisPacer } from '../../src/slack/pacer.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';

let server: TestRedis;
let redis: Redis;
let slack: FakeSlack;
beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: null });
  slack = await startFakeSlack();
});
afterAll(async () => {
  await redis.quit();
  await slack.close();
  await server.stop();
});

const key = (i: number, namespace = 'shop') => ({ cluster: 'prod', namespace, workload: `Deployment/svc-${i}` });
const t0 = new Date('2026-11-21T22:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('storm tracker', () => {
  it('declares one storm when the threshold is reached within the window, whatever the concurrency', async () => {
    const storms = createStormTracker(redis, { prefix: uniqueName('st') });
    const channel = uniqueName('C');
    // Four openings: no storm yet.
    for (let i = 0; i < 4; i += 1) expect(await storms.opened(channel, key(i), at(i * 1000))).toBeUndefined();
    // Twenty more race: every one of them joins the same storm, declared by exactly one.
    const joins = await Promise.all(Array.from({ length: 20 }, (_, i) => storms.opened(channel, key(10 + i), at(5000))));
    const ids = new Set(joins.map((j) => j?.stormId));
    expect(ids.size).toBe(1);
    expect(joins.filter((j) => j?.started)).toHaveLength(1);
    const stormId = [...ids][0] ?? '';
    const snap = await storms.snapshot(channel, stormId);
    // The four that opened just before the storm are members too (they are in the window).
    expect(snap?.members).toHaveLength(24);
    expect(snap?.members.every((m) => m.state.kind === 'diagnosing')).toBe(true);
    expect(await storms.stormOf(channel, key(0))).toBe(stormId);
  });

  it('records causes and resolutions, bumping the version only on change; a quiet channel starts a new storm later', async () => {
    const storms = createStormTracker(redis, { prefix: uniqueName('st'), threshold: 2, windowMs: 1000, quietMs: 5000 });
    const channel = uniqueName('C');
    await storms.opened(channel, key(1), at(0));
    const join = await storms.opened(channel, key(2), at(10));
    expect(join?.started).toBe(true);
    const stormId = join?.stormId ?? '';
    const v0 = (await storms.snapshot(channel, stormId))?.version ?? 0;
    expect(await storms.diagnosed(channel, key(1), 'dns-failure')).toBe(stormId);
    expect(await storms.diagnosed(channel, key(1), 'dns-failure')).toBe(stormId);
    expect(await storms.resolved(channel, key(2), undefined)).toBe(stormId);
    const snap = await storms.snapshot(channel, stormId);
    expect(snap?.version).toBe(v0 + 2);
    expect(snap?.members.map((m) => m.state)).toEqual([{ kind: 'diagnosed', cause: 'dns-failure' }, { kind: 'resolved' }]);
    // Not a member: nothing to update.
    expect(await storms.diagnosed(channel, key(99), 'oom-killed')).toBeUndefined();
  });
});

function snapshot(states: { cause?: string; namespace?: string }[]): StormSnapshot {
  return {
    channel: 'C0STORM',
    stormId: '1',
    startedAt: t0.getTime(),
    version: 1,
    members: states.map((s, i) => ({ id: `prod/${s.namespace ?? 'shop'}/Deployment/svc-${i}`, key: key(i, s.namespace), state: s.cause === undefined ? { kind: 'diagnosing' as const } : { kind: 'diagnosed' as const, cause: s.cause } })),
  };
}

describe('storm digest rendering', () => {
  it('counts by cause, names the dominant one, folds small causes into "other" in the text', () => {
    const states = [
      ...Array.from({ length: 62 }, () => ({ cause: 'dns-failure' })),
      ...Array.from({ length: 30 }, () => ({ cause: 'oom-killed' })),
      ...Array.from({ length: 5 }, () => ({ cause: 'missing-dependency' })),
      ...Array.from({ length: 3 }, () => ({ cause: 'segfault' })),
    ];
    const digest = renderStormDigest(snapshot(states), at(90_000));
    expect(digest.text).toBe('🌩️ 100 workloads crash-looping in prod: 62 dns-failure, 30 oom-killed, 8 other');
    const blocks = JSON.stringify(digest.blocks);
    expect(blocks).toContain('62 of 100 diagnosed workloads fail with `dns-failure`');
    expect(blocks).toContain('<!date^');
    expect(blocks).toContain('`shop/svc-0`');
    expect(digest.metadata?.event_type).toBe('crashloop_storm');
  });

  it('says nothing about a shared root when no cause dominates, and counts the undiagnosed', () => {
    const digest = renderStormDigest(snapshot([{ cause: 'dns-failure' }, { cause: 'oom-killed' }, { cause: 'segfault' }, {}, {}]), at(1000));
    expect(digest.text).toContain('1 dns-failure, 1 oom-killed, 1 segfault, 2 diagnosing');
    expect(JSON.stringify(digest.blocks)).not.toContain('shared root');
  });

  it('escapes hostile names and keeps text within 200 characters and sections within Slack limits', () => {
    const hostile = Array.from({ length: 400 }, (_, i) => ({ cause: i % 2 === 0 ? '<!channel> & co' : 'dns-failure', namespace: `<@U123>-${'x'.repeat(40)}` }));
    const digest = renderStormDigest(snapshot(hostile), at(1000));
    expect(digest.text.length).toBeLessThanOrEqual(200);
    const json = JSON.stringify(digest.blocks);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U123>');
    expect(json).toContain('more');
    for (const b of digest.blocks as { text?: { text: string } }[]) expect((b.text?.text ?? '').length).toBeLessThanOrEqual(3000);
    expect(digest.blocks?.length).toBeLessThanOrEqual(50);
  });
});

describe('outbox options for storms', () => {
  async function outbox() {
    const prefix = uniqueName('ob');
    const client = new WebClient('xoxb-test-storm', { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
    const store = createOutboxStore(redis, { prefix });
    const started = await startOutbox({ connection: redis, redis, store, slack: webClientOutboxSlack(client), pacer: new RedisPacer(redis, { prefix, intervalMs: 5 }), prefix, parentWaitMs: 50 });
    return { ...started, store };
  }

  it('a versioned put never replaces newer content with an older render', async () => {
    const box = await outbox();
    const channel = uniqueName('C');
    const k = digestKey(channel, '1');
    await box.outbox.put(k, { channel }, { text: 'v3' }, { priority: PRIORITY.digest, seq: 3 });
    await box.outbox.put(k, { channel }, { text: 'v2' }, { priority: PRIORITY.digest, seq: 2 });
    await slack.waitFor(() => slack.channelView(channel).length === 1 || undefined);
    expect((await box.store.get(k))?.content.text).toBe('v3');
    await box.outbox.put(k, { channel }, { text: 'v4' }, { priority: PRIORITY.digest, seq: 4 });
    await slack.waitFor(() => slack.channelView(channel)[0]?.text === 'v4' || undefined);
    expect(slack.channelView(channel)).toHaveLength(1);
    await box.close();
  });

  it('a deferred post waits, and the next put without deferral sends it at once with the latest content', async () => {
    const box = await outbox();
    const channel = uniqueName('C');
    await box.outbox.put('incident:x:parent', { channel }, { text: 'diagnosing' }, { priority: PRIORITY.parent, deferMs: 3_600_000 });
    await box.outbox.put('incident:x:parent', { channel }, { text: 'diagnosing, again' }, { priority: PRIORITY.parent, deferMs: 3_600_000 });
    expect(await box.outbox.pending()).toBe(1);
    expect(slack.channelView(channel)).toHaveLength(0);
    await box.outbox.put('incident:x:parent', { channel }, { text: 'dns-failure' }, { priority: PRIORITY.parent });
    await slack.waitFor(() => slack.channelView(channel)[0]?.text === 'dns-failure' || undefined);
    expect(slack.channelView(channel)).toHaveLength(1);
    expect(slack.channelView(channel)[0]?.updates).toBe(0);
    await box.close();
  });
});
