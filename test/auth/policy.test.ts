import { describe, expect, it } from 'vitest';
import { authorize, DEFAULT_POLICY, globMatch, parsePolicy, PolicyError } from '../../src/auth/policy.ts';

const alice = { userId: 'UALICE1', groupIds: [] };
const sre = { userId: 'UBOB22', groupIds: ['SSRE001'] };

describe('policy', () => {
  it('defaults to read for everyone and nothing else', () => {
    expect(authorize(DEFAULT_POLICY, alice, 'payments', 'read').allowed).toBe(true);
    const debug = authorize(DEFAULT_POLICY, alice, 'payments', 'debug');
    expect(debug.allowed).toBe(false);
    if (!debug.allowed) expect(debug.reason).toContain('debug: ["UALICE1"]');
    expect(authorize(DEFAULT_POLICY, alice, 'payments', 'write').allowed).toBe(false);
  });

  it('grants per namespace glob to users and user groups', () => {
    const policy = parsePolicy(`
rules:
  - namespaces: ["payments-*"]
    debug: ["UALICE1"]
    write: ["SSRE001"]
`);
    expect(authorize(policy, alice, 'payments-api', 'debug').allowed).toBe(true);
    expect(authorize(policy, alice, 'payments-api', 'write').allowed).toBe(false);
    expect(authorize(policy, sre, 'payments-api', 'write')).toEqual({ allowed: true, via: 'write rule for payments-* (SSRE001)' });
    expect(authorize(policy, sre, 'billing', 'write').allowed).toBe(false);
    expect(authorize(policy, alice, 'billing', 'read').allowed).toBe(true);
  });

  it('can restrict read', () => {
    const policy = parsePolicy('defaultRead: []\nrules: [{namespaces: ["kube-*"], read: ["SSRE001"]}]');
    expect(authorize(policy, alice, 'kube-system', 'read').allowed).toBe(false);
    expect(authorize(policy, sre, 'kube-system', 'read').allowed).toBe(true);
  });

  it('reports every problem at once', () => {
    expect(() => parsePolicy('rules: [{namespaces: [], write: ["alice"]}]')).toThrow(PolicyError);
    try {
      parsePolicy('rules: [{namespaces: [], write: ["alice"]}]');
    } catch (err) {
      expect(String(err)).toMatch(/rules\.0\.namespaces[\s\S]*rules\.0\.write\.0/);
    }
    expect(parsePolicy('')).toEqual(DEFAULT_POLICY);
  });

  it('matches globs literally apart from * and ?', () => {
    expect(globMatch('a.b*', 'a.bc')).toBe(true);
    expect(globMatch('a.b*', 'axbc')).toBe(false);
    expect(globMatch('ns-?', 'ns-1')).toBe(true);
  });
});

describe('denial messages', () => {
  it('say whether anyone has the right and show the rule to add', () => {
    const policy = parsePolicy('rules: [{namespaces: ["pay"], write: ["UBOB22"]}]');
    const someone = authorize(policy, alice, 'pay', 'write');
    const nobody = authorize(policy, alice, 'other', 'write');
    expect(someone.allowed || someone.reason).toContain('Only the users and groups the actions policy names');
    expect(nobody.allowed || nobody.reason).toContain('Write actions are off in this namespace until the actions policy grants them.');
    expect(nobody.allowed || nobody.reason).toContain('namespaces: ["other"]');
  });
});
