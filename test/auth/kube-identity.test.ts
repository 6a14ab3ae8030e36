import { describe, expect, it } from 'vitest';
import { attributesFor, describeAttributes, kubeUserFor } from '../../src/auth/kube-identity.ts';
import { parsePolicy } from '../../src/auth/policy.ts';
import { ACTION_IDS } from '../../src/actions/types.ts';

describe('Kubernetes identity mode', () => {
  it('is parsed from the policy with defaults', () => {
    expect(parsePolicy('kubernetes: {}').kubernetes).toEqual({ userFrom: 'email', userPrefix: '', groups: [] });
    expect(parsePolicy('rules: []').kubernetes).toBeUndefined();
  });

  it('maps Slack users to Kubernetes users', () => {
    expect(kubeUserFor({ userFrom: 'email', userPrefix: 'oidc:', groups: ['g'] }, 'U1', 'alice@example.com')).toEqual({ user: 'oidc:alice@example.com', groups: ['g'] });
    expect(kubeUserFor({ userFrom: 'id', userPrefix: 'slack:', groups: [] }, 'U1', undefined)).toEqual({ user: 'slack:U1', groups: [] });
    expect(kubeUserFor({ userFrom: 'email', userPrefix: '', groups: [] }, 'U1', undefined)).toMatchObject({ error: expect.stringContaining('users:read.email') });
  });

  it('reviews the decisive call of each action', () => {
    const target = { namespace: 'pay', pod: 'api-1', workload: { kind: 'StatefulSet', name: 'db' }, debugPod: 'api-1-debug-x' };
    expect(describeAttributes(attributesFor(ACTION_IDS.rolloutUndo, target))).toBe('patch apps/statefulsets db in namespace pay');
    expect(describeAttributes(attributesFor(ACTION_IDS.debugCopy, target))).toBe('create pods in namespace pay');
    expect(describeAttributes(attributesFor(ACTION_IDS.debugDelete, target))).toBe('delete pods api-1-debug-x in namespace pay');
    expect(describeAttributes(attributesFor(ACTION_IDS.debugEphemeral, target))).toBe('patch pods/ephemeralcontainers api-1 in namespace pay');
    expect(describeAttributes(attributesFor(ACTION_IDS.previousLogs, target))).toBe('get pods/log api-1 in namespace pay');
  });
});
