// Report buttons are bound by outbox key: the ts the outbox recorded decides which message may use them.
import { describe, expect, it } from 'vitest';
import { checkBinding, type ActionState } from '../../src/slack/action-state.ts';

const state: ActionState = { v: 1, cluster: 'prod', namespace: 'shop', pod: 'api-1', channel: 'C0SHOP', messageKey: 'report:job-1', createdAt: '2026-12-07T00:00:00Z' };
const posted = async (key: string) => (key === 'report:job-1' ? '1700000000.000100' : undefined);

describe('checkBinding', () => {
  it('accepts a click on the message the outbox posted under the key', async () => {
    expect(await checkBinding(state, { channel: 'C0SHOP', messageTs: '1700000000.000100' }, posted)).toBeUndefined();
  });
  it('refuses a click on another message, and on a message not posted yet', async () => {
    expect(await checkBinding(state, { channel: 'C0SHOP', messageTs: '1700000000.000999' }, posted)).toBe('message');
    expect(await checkBinding({ ...state, messageKey: 'report:other' }, { channel: 'C0SHOP', messageTs: '1700000000.000100' }, posted)).toBe('message');
  });
  it('a recorded messageTs wins over the key, and channel and workspace are checked first', async () => {
    expect(await checkBinding({ ...state, messageTs: '1.2' }, { channel: 'C0SHOP', messageTs: '1.2' }, posted)).toBeUndefined();
    expect(await checkBinding(state, { channel: 'C0ELSE', messageTs: '1700000000.000100' }, posted)).toBe('channel');
  });
});
