// Redis is a trust boundary: a button's state read back from Redis is validated, bound to the team,
// channel and message it was made for, and the clicker's rights are decided from the policy at click
// time. Each tampered value below must be refused without reaching a cluster.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionExecutor } from '../../src/actions/executor.ts';
import type { ActionSlack } from '../../src/actions/slack-port.ts';
import { ACTION_IDS, type ActionRequest } from '../../src/actions/types.ts';
import { parsePolicy } from '../../src/auth/policy.ts';
import { ActionStateStore, bindingMismatch, parseActionState, type ActionState } from '../../src/slack/action-state.ts';
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

const slack: ActionSlack = {
  async postMessage() {
    return { ts: '1.1' };
  },
  async updateMessage() {},
  async uploadFile() {},
  async userGroups() {
    return [];
  },
};

// Alice may read and debug payments only; restricted-x is someone else's.
const policy = parsePolicy('defaultRead: []\nrules:\n  - namespaces: ["payments"]\n    read: ["UALICE1"]\n    debug: ["UALICE1"]\n  - namespaces: ["restricted-*"]\n    read: ["UBOB22"]\n');
const good: ActionState = { v: 1, cluster: 'prod', namespace: 'payments', pod: 'api-1', container: 'api', channel: 'C0PAY', threadTs: '1700000000.000100', messageTs: '1700000000.000100', teamId: 'T0TEAM', createdAt: '2026-12-07T00:00:00.000Z' };
const click = (stateId: string, over: Partial<ActionRequest> = {}): ActionRequest => ({
  actionId: ACTION_IDS.previousLogs, stateId, user: { id: 'UALICE1', teamId: 'T0TEAM' }, channel: 'C0PAY', messageTs: '1700000000.000100', threadTs: '1700000000.000100', actionTs: `${Math.random()}`, ...over,
});

async function run(raw: string, request: (id: string) => ActionRequest = (id) => click(id)) {
  const prefix = `${server.prefix}-${Math.random().toString(16).slice(2)}`;
  const id = 'tamperedStateId0000001';
  await redis.set(`${prefix}:action-state:${id}`, raw, 'EX', 60);
  const writers: string[] = [];
  const executor = createActionExecutor({ redis, prefix, policy, slack, writerFor: (cluster) => void writers.push(cluster), logger: { info() {}, warn() {} } });
  const outcome = await executor.execute(request(id));
  return { outcome, writers };
}

describe('tampered button state', () => {
  it('an untouched state reaches the action (the control case)', async () => {
    const { outcome, writers } = await run(JSON.stringify(good));
    expect(writers).toEqual(['prod']);
    expect(outcome.status).toBe('failed'); // no writer for "prod" in this test: it got past every gate
  });

  it.each([
    ['malformed JSON', '{"v":1,"cluster":'],
    ['a JSON string', '"payments"'],
    ['an unknown version', JSON.stringify({ ...good, v: 2 })],
    ['a namespace that is not a name', JSON.stringify({ ...good, namespace: '../kube-system' })],
    ['a pod with a selector in it', JSON.stringify({ ...good, pod: 'api,app=x' })],
    ['an extra field', JSON.stringify({ ...good, allowedNamespaces: ['*'] })],
  ])('treats %s as an expired button', async (_name, raw) => {
    const { outcome, writers } = await run(raw);
    expect(outcome.status).toBe('expired');
    expect(writers).toEqual([]);
  });

  it('refuses a state retargeted at a namespace the clicker may not read', async () => {
    const { outcome, writers } = await run(JSON.stringify({ ...good, namespace: 'restricted-x' }));
    expect(outcome).toMatchObject({ status: 'denied', message: expect.stringContaining('restricted-x') });
    expect(writers).toEqual([]);
  });

  it('refuses a state retargeted at another cluster where the rule does not apply', async () => {
    const clustered = parsePolicy('defaultRead: []\nrules: [{namespaces: ["payments"], clusters: ["prod"], read: ["UALICE1"]}]');
    const prefix = `${server.prefix}-cl`;
    const states = new ActionStateStore(redis, { prefix });
    const id = await states.save({ ...good, cluster: 'prod-eu' });
    const writers: string[] = [];
    const executor = createActionExecutor({ redis, prefix, policy: clustered, slack, writerFor: (c) => void writers.push(c), logger: { info() {}, warn() {} } });
    expect((await executor.execute(click(id))).status).toBe('denied');
    expect(writers).toEqual([]);
  });

  it.each([
    ['another channel', { channel: 'C0ELSEWHERE' }, 'channel'],
    ['another message', { messageTs: '1700000000.000999' }, 'message'],
    ['another workspace', { user: { id: 'UALICE1', teamId: 'T0OTHER' } }, 'workspace'],
  ] as const)('refuses a click from %s', async (_name, over, what) => {
    const { outcome, writers } = await run(JSON.stringify(good), (id) => click(id, over));
    expect(outcome).toMatchObject({ status: 'denied', message: expect.stringContaining(`the ${what} differs`) });
    expect(writers).toEqual([]);
  });
});

describe('state parsing and binding', () => {
  it('round-trips what the bot writes', () => {
    expect(parseActionState(JSON.stringify(good))).toEqual(good);
    expect(bindingMismatch(good, { channel: 'C0PAY', messageTs: '1700000000.000100', teamId: 'T0TEAM' })).toBeUndefined();
  });

  it('binds only what was recorded: a list button (no message ts yet) checks channel and team', () => {
    const { messageTs: _m, ...listState } = good;
    expect(bindingMismatch(listState, { channel: 'C0PAY', messageTs: '1700000000.000555', teamId: 'T0TEAM' })).toBeUndefined();
    expect(bindingMismatch(listState, { channel: 'C0NOPE', messageTs: '1700000000.000555', teamId: 'T0TEAM' })).toBe('channel');
  });
});
