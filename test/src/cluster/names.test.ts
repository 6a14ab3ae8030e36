import { describe, expect, it } from 'vitest';
import { editDistance, globMatch, literalNamespaces, namespaceAllowed, parseTarget, suggestNames } from '../../../src/cluster/names.ts';

describe('parseTarget', () => {
  it.each([
    ['api-7d9f', undefined, { name: 'api-7d9f' }],
    ['api-7d9f', 'prod', { name: 'api-7d9f', namespace: 'prod' }],
    ['prod/api-7d9f', undefined, { namespace: 'prod', name: 'api-7d9f' }],
    ['prod/api', 'other', { namespace: 'prod', name: 'api' }],
    ['deploy/api', 'prod', { kind: 'Deployment', name: 'api', namespace: 'prod' }],
    ['sts/db', undefined, { kind: 'StatefulSet', name: 'db' }],
    ['daemonset/agent', undefined, { kind: 'DaemonSet', name: 'agent' }],
    ['pod/api-1', undefined, { kind: 'Pod', name: 'api-1' }],
    ['prod/deployment/api', undefined, { namespace: 'prod', kind: 'Deployment', name: 'api' }],
    ['  <api>  ', undefined, { name: 'api' }],
  ] as const)('parses %s (-n %s)', (text, ns, expected) => {
    expect(parseTarget(text, ns)).toEqual(expected);
  });

  it.each(['a/b/c/d', 'prod/widget/api', 'Api_Server', 'prod/', 'UPPER/api'])('rejects %s', (text) => {
    expect(() => parseTarget(text)).toThrow();
  });
});

describe('editDistance and suggestions', () => {
  it('computes Levenshtein distance and stops early past the bound', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('api', 'api')).toBe(0);
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
  });

  it('suggests prefixes first, then close misspellings, never unrelated names', () => {
    const names = ['payments-api-7d9f-x2', 'payments-worker-1', 'redis-0', 'ingress-nginx', 'paymnets-legacy'];
    expect(suggestNames('payments', names)).toEqual(['payments-worker-1', 'payments-api-7d9f-x2', 'paymnets-legacy']);
    expect(suggestNames('redsi-0', names)).toEqual(['redis-0']);
    expect(suggestNames('zookeeper', names)).toEqual([]);
  });

  it('matches namespaced labels on the name part', () => {
    expect(suggestNames('api', ['prod/api-1', 'prod/web'])).toEqual(['prod/api-1']);
  });
});

describe('namespace globs', () => {
  it('matches * and ? and treats everything else literally', () => {
    expect(globMatch('team-*', 'team-a')).toBe(true);
    expect(globMatch('team-?', 'team-ab')).toBe(false);
    expect(globMatch('a.b', 'axb')).toBe(false);
    expect(namespaceAllowed('kube-system', ['prod', 'team-*'])).toBe(false);
    expect(namespaceAllowed('team-x', ['prod', 'team-*'])).toBe(true);
    expect(namespaceAllowed('anything', undefined)).toBe(true);
  });

  it('lists literal namespaces only when no pattern has a wildcard', () => {
    expect(literalNamespaces(['prod', 'stage', 'prod'])).toEqual(['prod', 'stage']);
    expect(literalNamespaces(['prod', 'team-*'])).toBeUndefined();
    expect(literalNamespaces(undefined)).toBeUndefined();
  });
});
