import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/slack/command.ts';

const one = { clusters: ['prod'] };
const many = { clusters: ['prod', 'staging'] };

describe('parseCommand', () => {
  it.each([
    ['payments/api-7d9f', one, { kind: 'diagnose', cluster: 'prod', target: { text: 'payments/api-7d9f' } }],
    ['api-7d9f -n payments', one, { kind: 'diagnose', cluster: 'prod', target: { text: 'api-7d9f', namespace: 'payments' } }],
    ['-n payments api-7d9f', one, { kind: 'diagnose', cluster: 'prod', target: { text: 'api-7d9f', namespace: 'payments' } }],
    ['api --namespace=payments', one, { kind: 'diagnose', cluster: 'prod', target: { text: 'api', namespace: 'payments' } }],
    ['payments-api', one, { kind: 'diagnose', cluster: 'prod', target: { text: 'payments-api' } }],
    ['deploy/payments-api', many, { kind: 'diagnose', cluster: 'prod', target: { text: 'deploy/payments-api' } }],
    ['staging/payments/api', many, { kind: 'diagnose', cluster: 'staging', target: { text: 'payments/api' } }],
    ['staging/api', many, { kind: 'diagnose', cluster: 'staging', target: { text: 'api' } }],
    ['payments/api --cluster staging', many, { kind: 'diagnose', cluster: 'staging', target: { text: 'payments/api' } }],
    ['', one, { kind: 'list', cluster: 'prod' }],
    ['   ', one, { kind: 'list', cluster: 'prod' }],
    ['--cluster staging', many, { kind: 'list', cluster: 'staging' }],
    ['help', one, { kind: 'help' }],
    ['--help', one, { kind: 'help' }],
  ] as const)('%s', (text, ctx, expected) => {
    expect(parseCommand(text, ctx)).toEqual(expected);
  });

  it('treats a one-cluster setup\'s "prod/x" as namespace/pod', () => {
    expect(parseCommand('prod/api', one)).toEqual({ kind: 'diagnose', cluster: 'prod', target: { text: 'prod/api' } });
  });

  it.each([
    ['a b', 'one pod or workload at a time'],
    ['api -n', '-n needs a value'],
    ['api --bogus', 'do not know the option'],
    ['Bad_Name!', 'not a valid Kubernetes name'],
    ['a/b/c/d', 'not a pod reference'],
    ['payments/api --cluster mars', 'do not know a cluster called "mars"'],
    ['mars/payments/api', 'do not know a cluster called "mars"'],
    ['staging/payments/api --cluster prod', 'disagree'],
  ])('rejects %s in plain words', (text, message) => {
    const parsed = parseCommand(text, many);
    expect(parsed.kind).toBe('error');
    expect(parsed.kind === 'error' ? parsed.message : '').toContain(message);
  });

  it('asks for a cluster when none is configured', () => {
    const parsed = parseCommand('ns/pod', { clusters: [] });
    expect(parsed.kind === 'error' ? parsed.message : '').toContain('CLUSTER_NAME');
  });
});
