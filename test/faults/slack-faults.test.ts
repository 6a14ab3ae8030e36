// Slack failing under the real web process: a 429 storm with Retry-After, 500s and slow answers while
// alerts arrive. Every incident's parent message reaches the channel exactly once.
import { afterAll, describe, expect, it } from 'vitest';
import { crashLoopAlert, payload } from '../alertmanager/fixtures.ts';
import { startWebStack, until, type WebStack } from './harness.ts';
import { STORM_EVENT_TYPE } from '../../src/incidents/storm-digest.ts';

let stack: WebStack | undefined;
afterAll(async () => {
  await stack?.close();
});

const CHANNEL = 'C0ALERTS';

describe('Slack 429, 500 and slow answers', () => {
  it('posts each incident parent exactly once through a 429 storm, 500s and latency', async () => {
    stack = await startWebStack();
    const s = stack;
    // Nine incidents in one channel within a minute are a storm (src/incidents/storm.ts): the channel also
    // gets one storm digest, and with no worker in this stack each parent is held for its diagnosis (at
    // most STORM_PARENT_WAIT_MS, 60 s) before it is posted. The digest is counted on its own.
    const isDigest = (c: { args: Record<string, unknown> }) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === STORM_EVENT_TYPE;
    const channelPosts = () => s.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === CHANNEL && c.args.thread_ts === undefined);
    const topLevel = () => channelPosts().filter((c) => !isDigest(c));
    s.slack.rateLimitFor('chat.postMessage', 3000, 1);
    s.slack.failNext('chat.postMessage', { status: 500 }, 4);
    s.slack.setLatency(200);
    const namespaces = Array.from({ length: 8 }, (_, i) => `team-${i}`);
    for (const namespace of namespaces) {
      const res = await s.alert(payload([crashLoopAlert({ namespace, pod: 'api-7d9f8b6c5d-k8m2n', fingerprint: `fp-${namespace}` })]));
      expect(res.status).toBe(200);
    }
    await until(() => topLevel().length >= namespaces.length, 'a parent per incident', 180_000);
    s.slack.setLatency(0);
    // A last incident, posted after the others in the channel's order: anything duplicated before it shows.
    expect((await s.alert(payload([crashLoopAlert({ namespace: 'team-last', pod: 'api-7d9f8b6c5d-k8m2n', fingerprint: 'fp-last' })]))).status).toBe(200);
    await until(() => topLevel().some((c) => JSON.stringify(c.args).includes('team-last')), 'the last parent', 180_000);

    expect(s.slack.rateLimited()).toBeGreaterThan(0);
    expect(s.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 500)).toHaveLength(4);
    for (const namespace of [...namespaces, 'team-last']) {
      expect(topLevel().filter((c) => JSON.stringify(c.args).includes(`${namespace}`) && !JSON.stringify(c.args).includes(`${namespace}0`)), namespace).toHaveLength(1);
    }
    // Besides the parents, the outbox may say once that Slack is rate-limiting: no other top-level post.
    const others = topLevel().filter((c) => !JSON.stringify(c.args).includes('team-'));
    expect(others.length).toBeLessThanOrEqual(1);
    for (const other of others) expect(String(other.args.text)).toMatch(/rate/i);
    expect(topLevel().length - others.length).toBe(namespaces.length + 1);
    // One storm, one digest, however often Slack refused or failed its post.
    expect(channelPosts().filter(isDigest)).toHaveLength(1);
    expect(s.serve.child.exitCode).toBeNull();
  }, 480_000);
});
