// The executor's gatekeeping on a real redis-server: expiry, authorization, idempotency and the audit
// stream. Anything that reaches a cluster is covered end to end in test/e2e/actions-*.test.ts.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionExecutor, settingsFromEnv } from '../../src/actions/executor.ts';
import { createIdempotencyStore } from '../../src/actions/idempotency.ts';
import type { ActionSlack } from '../../src/actions/slack-port.ts';
import { ACTION_IDS, type ActionRequest } from '../../src/actions/types.ts';
import { parsePolicy } from '../../src/auth/policy.ts';
import { ActionStateStore } from '../../src/slack/action-state.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

let server: TestRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

function recordingSlack(): ActionSlack & { posts: string[] } {
  const posts: string[] = [];
  return {
    posts,
    async postMessage({ text }) {
      posts.push(text);
      return { ts: `1.${posts.length}` };
    },
    async updateMessage() {},
    async uploadFile() {},
    async userGroups(userId) {
      return userId === 'UBOB22' ? ['SSRE001'] : [];
    },
  };
}

function request(actionId: ActionRequest['actionId'], stateId: string, user = 'UALICE1', actionTs = '1.1'): ActionRequest {
  return { actionId, stateId, user: { id: user }, channel: 'C0TEST', messageTs: '1.0', threadTs: '1.0', actionTs };
}

async function auditEntries(prefix: string): Promise<Record<string, string>[]> {
  const raw = await redis.xrange(`${prefix}:audit`, '-', '+');
  return raw.map(([, fields]) => {
    const out: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) out[fields[i] ?? ''] = fields[i + 1] ?? '';
    return out;
  });
}

describe('action executor gatekeeping', () => {
  it('refuses an expired (unknown) button and audits it', async () => {
    const prefix = `${server.prefix}-exp`;
    const slack = recordingSlack();
    const executor = createActionExecutor({ redis, prefix, slack, writerFor: () => undefined, threadAudit: true, logger: { info() {}, warn() {} } });
    const outcome = await executor.execute(request(ACTION_IDS.rolloutUndo, 'gone-123'));
    expect(outcome.status).toBe('expired');
    expect(outcome.message).toContain('24 h');
    // Said to the clicker only: the thread gets no line about an old button.
    expect(outcome.private).toBe(true);
    expect(await auditEntries(prefix)).toMatchObject([{ actionId: 'crashloop_rollout_undo', outcome: 'expired', user: 'UALICE1', stateId: 'gone-123' }]);
    expect(slack.posts).toEqual([]);
  });

  it('denies write by default without touching any cluster, and explains how to enable it', async () => {
    const prefix = `${server.prefix}-deny`;
    const states = new ActionStateStore(redis, { prefix });
    const stateId = await states.save({ v: 1, cluster: 'prod', namespace: 'payments', pod: 'api-1', workload: { kind: 'Deployment', name: 'api' }, toRevision: 2, channel: 'C0TEST', createdAt: new Date().toISOString() });
    let clusterLookups = 0;
    const executor = createActionExecutor({ redis, prefix, slack: recordingSlack(), writerFor: () => { clusterLookups += 1; return undefined; }, logger: { info() {}, warn() {} } });
    const outcome = await executor.execute(request(ACTION_IDS.rolloutUndo, stateId));
    expect(outcome.status).toBe('denied');
    expect(outcome.message).toContain('write: ["UALICE1"]');
    expect(clusterLookups).toBe(0);
    const debug = await executor.execute(request(ACTION_IDS.debugCopy, stateId));
    expect(debug.status).toBe('denied');
    expect((await auditEntries(prefix)).map((e) => [e.actionClass, e.outcome, e.namespace, e.target])).toEqual([
      ['write', 'denied', 'payments', 'Deployment/api'],
      ['debug', 'denied', 'payments', 'Deployment/api'],
    ]);
  });

  it('lets a policy grant write to a user group; a cluster it cannot reach fails and frees the key', async () => {
    const prefix = `${server.prefix}-grant`;
    const states = new ActionStateStore(redis, { prefix });
    const stateId = await states.save({ v: 1, cluster: 'elsewhere', namespace: 'payments', pod: 'api-1', workload: { kind: 'Deployment', name: 'api' }, channel: 'C0TEST', createdAt: new Date().toISOString() });
    const policy = parsePolicy('rules:\n  - namespaces: ["pay*"]\n    write: ["SSRE001"]\n');
    const executor = createActionExecutor({ redis, prefix, policy, slack: recordingSlack(), writerFor: () => undefined, logger: { info() {}, warn() {} } });
    expect((await executor.execute(request(ACTION_IDS.rolloutUndo, stateId, 'UALICE1'))).status).toBe('denied');
    const first = await executor.execute(request(ACTION_IDS.rolloutUndo, stateId, 'UBOB22'));
    expect(first).toMatchObject({ status: 'failed', message: expect.stringContaining('no access to cluster "elsewhere"') });
    // The failure changed nothing, so the key was released and a second click is not a duplicate.
    expect((await executor.execute(request(ACTION_IDS.rolloutUndo, stateId, 'UBOB22', '1.2'))).status).toBe('failed');
  });
});

describe('idempotency store', () => {
  it('claims once, quotes the outcome to later claims, and can be released', async () => {
    const store = createIdempotencyStore(redis, `${server.prefix}-idem`);
    expect(await store.claim('k', 60_000)).toEqual({ claimed: true });
    expect(await store.claim('k', 60_000)).toEqual({ claimed: false, previous: null });
    await store.complete('k', 'rolled back api to revision 2', 60_000);
    expect(await store.claim('k', 60_000)).toEqual({ claimed: false, previous: 'rolled back api to revision 2' });
    expect(await store.peek('k')).toBe('rolled back api to revision 2');
    await store.release('k');
    expect(await store.peek('k')).toBeNull();
    expect(await store.claim('k', 60_000)).toEqual({ claimed: true });
    expect(await store.peek('k')).toBe('pending');
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const store = createIdempotencyStore(redis, `${server.prefix}-race`);
    const results = await Promise.all(Array.from({ length: 20 }, () => store.claim('same', 60_000)));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
  });
});

describe('settingsFromEnv', () => {
  it('reads the dry-run switch, debug TTL, command and ephemeral image', () => {
    expect(settingsFromEnv({ ACTIONS_DRY_RUN: 'true', ACTIONS_DEBUG_TTL_SECONDS: '600', ACTIONS_DEBUG_COMMAND: 'sleep 600', ACTIONS_EPHEMERAL_IMAGE: 'alpine:3' })).toEqual({
      dryRun: true,
      debugTtlSeconds: 600,
      debugCommand: ['sleep', '600'],
      ephemeralImage: 'alpine:3',
    });
    expect(settingsFromEnv({ ACTIONS_DRY_RUN: 'no', ACTIONS_DEBUG_TTL_SECONDS: 'soon' })).toEqual({ dryRun: false });
  });
});
