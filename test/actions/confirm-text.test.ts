import { describe, expect, it } from 'vitest';
import { rollbackConfirmText } from '../../src/actions/confirm-text.ts';
import type { RolloutChange } from '../../diagnostics/types.ts';

const change: RolloutChange = {
  owner: { kind: 'Deployment', name: 'payments-api' },
  fromRevision: 6,
  toRevision: 7,
  crashesBeganAfter: true,
  changes: [
    { field: 'image', container: 'api', before: 'api:6', after: 'api:7' },
    { field: 'env (names)', container: 'api', before: 'DB_HOST', after: 'DB_HOST, DB_PASSWORD' },
    { field: 'securityContext', container: 'api', before: '{}', after: '{"runAsNonRoot":true}' },
  ],
};

describe('rollbackConfirmText', () => {
  it('names the target revision and what goes back, newest to oldest', () => {
    expect(rollbackConfirmText(6, change).text).toBe(
      'Roll back deployment/payments-api to revision 6, like `kubectl rollout undo --to-revision=6`.\n• api image: api:7 → api:6\n• api env (names): DB_HOST, DB_PASSWORD → DB_HOST',
    );
  });
  it('stays within Slack’s 300 characters', () => {
    const many = { ...change, changes: Array.from({ length: 30 }, (_, i) => ({ field: 'image', container: `c${i}`, before: `img:${i}`, after: `img:${i + 1}` })) };
    const text = rollbackConfirmText(6, many).text;
    expect(text.length).toBeLessThanOrEqual(300);
    expect(text.endsWith('…')).toBe(true);
  });
  it('does not claim a diff for a revision the report did not compare', () => {
    expect(rollbackConfirmText(3, change).text).toBe('Roll back deployment/payments-api to revision 3, like `kubectl rollout undo --to-revision=3`.');
  });
});
