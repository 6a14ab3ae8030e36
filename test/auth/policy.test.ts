import { describe, expect, it } from 'vitest';
import { authorize, authorizeReport, DEFAULT_POLICY, globMatch, parsePolicy, PolicyError, type Principal } from '../../src/auth/policy.ts';
import type { ActionClass } from '../../src/actions/types.ts';

const alice = { userId: 'UALICE1', groupIds: [] };
const sre = { userId: 'UBOB22', groupIds: ['SSRE001'] };
const outsider = { userId: 'UOUT999', groupIds: [] };
const prod = (namespace: string) => ({ cluster: 'prod', namespace });

// The docs' own example (docs/actions.md) and the issue's reproduction.
const DOCS = parsePolicy(`
defaultRead: ["*"]
rules:
  - namespaces: ["payments-*", "checkout"]
    debug: ["UALICE1", "SSRE001"]
    write: ["SSRE001"]
  - namespaces: ["kube-system"]
    read: ["SSRE001"]
`);
const RESTRICTED = parsePolicy('defaultRead: []\nrules: [{namespaces: ["restricted-*"], read: ["UALICE1"]}]');
const CLUSTERS = parsePolicy(`
rules:
  - namespaces: ["*"]
    clusters: ["prod", "prod-*"]
    read: ["SSRE001"]
  - namespaces: ["payments"]
    clusters: ["staging"]
    write: ["UALICE1"]
`);
const CATCH_ALL_DEBUG = parsePolicy('rules: [{namespaces: ["*"], debug: ["SSRE001"]}]');

type Row = [name: string, policy: typeof DOCS, who: Principal, cluster: string, namespace: string, actionClass: ActionClass, allowed: boolean];
const TABLE: Row[] = [
  ['default: everyone reads', DEFAULT_POLICY, alice, 'prod', 'payments', 'read', true],
  ['default: nobody debugs', DEFAULT_POLICY, alice, 'prod', 'payments', 'debug', false],
  ['default: nobody writes', DEFAULT_POLICY, sre, 'prod', 'payments', 'write', false],
  ['docs: alice debugs payments-api', DOCS, alice, 'prod', 'payments-api', 'debug', true],
  ['docs: alice may not write payments-api', DOCS, alice, 'prod', 'payments-api', 'write', false],
  ['docs: sre group writes checkout', DOCS, sre, 'prod', 'checkout', 'write', true],
  ['docs: write does not imply debug elsewhere', DOCS, sre, 'prod', 'billing', 'write', false],
  ['docs: a rule without read keeps defaultRead', DOCS, outsider, 'prod', 'payments-api', 'read', true],
  ['docs: kube-system read rule replaces defaultRead', DOCS, outsider, 'prod', 'kube-system', 'read', false],
  ['docs: kube-system readable by the named group', DOCS, sre, 'prod', 'kube-system', 'read', true],
  ['restricted: outsider may not read', RESTRICTED, outsider, 'prod', 'restricted-x', 'read', false],
  ['restricted: alice reads', RESTRICTED, alice, 'prod', 'restricted-x', 'read', true],
  ['restricted: defaultRead [] closes the rest', RESTRICTED, alice, 'prod', 'default', 'read', false],
  ['restricted: read does not grant debug', RESTRICTED, alice, 'prod', 'restricted-x', 'debug', false],
  ['clusters: sre reads anything in prod', CLUSTERS, sre, 'prod', 'kube-system', 'read', true],
  ['clusters: cluster globs', CLUSTERS, sre, 'prod-eu', 'kube-system', 'read', true],
  ['clusters: in prod only the rule readers read', CLUSTERS, alice, 'prod', 'payments', 'read', false],
  ['clusters: another cluster keeps defaultRead', CLUSTERS, alice, 'staging', 'payments', 'read', true],
  ['clusters: write granted in staging only', CLUSTERS, alice, 'staging', 'payments', 'write', true],
  ['clusters: not in prod', CLUSTERS, alice, 'prod', 'payments', 'write', false],
  ['catch-all debug rule keeps defaultRead', CATCH_ALL_DEBUG, outsider, 'prod', 'anything', 'read', true],
  ['catch-all debug rule grants the group', CATCH_ALL_DEBUG, sre, 'prod', 'anything', 'debug', true],
];

describe('policy decisions', () => {
  it.each(TABLE)('%s', (_name, policy, who, cluster, namespace, actionClass, allowed) => {
    expect(authorize(policy, who, { cluster, namespace }, actionClass).allowed).toBe(allowed);
  });

  it('an explicit empty list closes a class that the default would open', () => {
    const policy = parsePolicy('rules: [{namespaces: ["secret-*"], read: []}]');
    expect(authorize(policy, alice, prod('secret-a'), 'read').allowed).toBe(false);
    expect(authorize(policy, alice, prod('public'), 'read').allowed).toBe(true);
  });

  it('names the rule that granted', () => {
    expect(authorize(DOCS, sre, prod('payments-api'), 'write')).toEqual({ allowed: true, via: 'write rule for payments-*,checkout (SSRE001)' });
    expect(authorize(CLUSTERS, alice, { cluster: 'staging', namespace: 'payments' }, 'write')).toEqual({ allowed: true, via: 'write rule for payments in staging (UALICE1)' });
  });
});

type ReportRow = [name: string, policy: typeof DOCS, cluster: string, namespace: string, channel: string, requester: Principal | undefined, allowed: boolean];
const CHANNELS = parsePolicy(`
rules:
  - namespaces: ["payments"]
    channels: ["C0PAY01"]
  - namespaces: ["kube-system"]
    read: ["SSRE001"]
    channels: ["C0SRE01"]
`);
const REPORTS: ReportRow[] = [
  ['alert, default policy: any channel', DEFAULT_POLICY, 'prod', 'payments', 'C0ANY01', undefined, true],
  ['alert, namespace not readable by everyone: withheld', DOCS, 'prod', 'kube-system', 'C0ANY01', undefined, false],
  ['alert, restricted namespace: withheld', RESTRICTED, 'prod', 'restricted-x', 'C0ANY01', undefined, false],
  ['alert, channel listed for the namespace', CHANNELS, 'prod', 'kube-system', 'C0SRE01', undefined, true],
  ['alert, channel not listed', CHANNELS, 'prod', 'payments', 'C0ANY01', undefined, false],
  ['alert, listed channel', CHANNELS, 'prod', 'payments', 'C0PAY01', undefined, true],
  ['command by a reader in a listed channel', CHANNELS, 'prod', 'kube-system', 'C0SRE01', sre, true],
  ['command by a reader elsewhere: channels bind everyone', CHANNELS, 'prod', 'kube-system', 'C0ANY01', sre, false],
  ['command by a non-reader in the listed channel', CHANNELS, 'prod', 'kube-system', 'C0SRE01', alice, false],
  ['command by the outsider', RESTRICTED, 'prod', 'restricted-x', 'C0ANY01', outsider, false],
  ['command by the reader', RESTRICTED, 'prod', 'restricted-x', 'C0ANY01', alice, true],
];

describe('where a report may be posted', () => {
  it.each(REPORTS)('%s', (_name, policy, cluster, namespace, channel, requester, allowed) => {
    expect(authorizeReport(policy, { cluster, namespace }, channel, requester).allowed).toBe(allowed);
  });
});

describe('parsing', () => {
  it('reports every problem at once', () => {
    expect(() => parsePolicy('rules: [{namespaces: [], write: ["alice"]}]')).toThrow(PolicyError);
    try {
      parsePolicy('rules: [{namespaces: [], write: ["alice"]}]');
    } catch (err) {
      expect(String(err)).toMatch(/rules\.0\.namespaces[\s\S]*rules\.0\.write\.0/);
    }
    expect(parsePolicy('')).toEqual(DEFAULT_POLICY);
  });

  it.each([
    ['a cluster/namespace form', 'rules: [{namespaces: ["prod/kube-system"], read: ["*"]}]', /name clusters under `clusters:`/],
    ['an empty cluster list', 'rules: [{namespaces: ["a"], clusters: [], read: ["*"]}]', /rules\.0\.clusters/],
    ['a channel name instead of an id', 'rules: [{namespaces: ["a"], channels: ["#ops"]}]', /rules\.0\.channels\.0: a Slack channel id/],
    ['an unknown key', 'rules: [{namespaces: ["a"], cluster: "prod"}]', /Unrecognized key/],
  ])('refuses %s', (_name, yaml, message) => {
    expect(() => parsePolicy(yaml)).toThrow(message);
  });

  it('keeps the rule shape it was given', () => {
    expect(parsePolicy('rules: [{namespaces: ["a"], clusters: ["prod"], read: ["*"]}]').rules).toEqual([{ namespaces: ['a'], clusters: ['prod'], read: ['*'] }]);
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
    const someone = authorize(policy, alice, prod('pay'), 'write');
    const nobody = authorize(policy, alice, prod('other'), 'write');
    expect(someone.allowed || someone.reason).toContain('Only the users and groups the actions policy names');
    expect(nobody.allowed || nobody.reason).toContain('Write actions are off in this namespace until the actions policy grants them.');
    expect(nobody.allowed || nobody.reason).toContain('namespaces: ["other"]');
    expect(nobody.allowed || nobody.reason).toContain('cluster prod');
    const read = authorize(RESTRICTED, outsider, prod('restricted-x'), 'read');
    expect(read.allowed || read.reason).toContain('may not see pods, logs or reports in namespace restricted-x');
  });
});
