// Operator rule packs in the engine (diagnostics/packs.ts): evidence labelled with the pack, precedence against
// status-level findings, selectors, commands through the shell quoting, and nothing run that is not linear-time.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnose, type Finding, type RulePack, type Snapshot } from '../../diagnostics/index.ts';
import { globMatch, PACK_CONFIDENCE } from '../../diagnostics/packs.ts';
import { compileLinear } from '../../src/rule-packs/linear-regex.ts';

const example = (file: string): Snapshot => JSON.parse(readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8')) as Snapshot;

function linear(source: string): RegExp {
  const c = compileLinear(source);
  if (!c.ok) throw new Error(c.problem);
  return c.re;
}

const LEDGER: RulePack = {
  name: 'payments',
  rules: [{
    id: 'ledger-lock-lost',
    cause: 'dependency-unreachable',
    title: 'The ledger lock service dropped the lease for shard $1',
    match: { substring: 'LEDGER-E1207', regex: linear(String.raw`lease lost for shard ([\w-]+)`) },
    fix: 'Check the ledger-locks pods in payments-infra.',
    commands: [{ description: 'Restart it', argv: ['kubectl', 'rollout', 'restart', '{workload}', '-n', '{namespace}', '--selector', 'app=ledger; rm -rf /'] }],
  }],
};

const packEvidence = (f: Finding | undefined) => f?.evidence.find((e) => e.source.includes('rule pack'));

describe('rule packs in the engine', () => {
  it('a pack finding says which pack and rule it came from, fills $1, and leads the built-in log finding', () => {
    const snap = example('rule-packs/ledger-lease-lost.json');
    const before = diagnose(snap);
    expect(before.findings[0]?.cause).toBe('app-error');
    const r = diagnose(snap, undefined, { packs: [LEDGER] });
    const f = r.findings[0];
    expect(f).toMatchObject({ cause: 'dependency-unreachable', container: 'ledger', confidence: PACK_CONFIDENCE });
    expect(f?.title).toBe('"ledger": The ledger lock service dropped the lease for shard eu-3');
    expect(packEvidence(f)).toEqual({ kind: 'log', source: 'logs/ledger previous line 4 (rule pack payments, rule ledger-lock-lost)', text: expect.stringContaining('LEDGER-E1207 lease lost for shard eu-3') });
    expect(f?.fix.summary).toBe('Check the ledger-locks pods in payments-infra.');
    // The built-in finding stays in the report, after the pack's.
    expect(r.findings.map((x) => x.cause)).toContain('app-error');
    expect(r.errors).toEqual([]);
  });

  it('renders pack commands through the shell quoting, with the real names filled in', () => {
    const f = diagnose(example('rule-packs/ledger-lease-lost.json'), undefined, { packs: [LEDGER] }).findings[0];
    expect(f?.fix.commands[0]).toEqual({ description: 'Restart it', command: "kubectl rollout restart deployment/ledger -n payments --selector 'app=ledger; rm -rf /'" });
  });

  it('never overrides a definitive status-level finding: OOMKilled stays first, the pack comes right after it', () => {
    const snap = example('oom-killed.json');
    const builtIn = diagnose(snap).findings[0];
    expect(builtIn?.cause).toBe('oom-killed');
    const pack: RulePack = { name: 'team', rules: [{ id: 'any-line', cause: 'config-invalid', title: 'team rule', match: { regex: linear('.') } }] };
    const r = diagnose(snap, undefined, { packs: [pack] });
    expect(r.findings[0]).toMatchObject({ cause: 'oom-killed', container: builtIn?.container, confidence: builtIn?.confidence });
    const second = r.findings.find((x) => x.cause === 'config-invalid');
    expect(packEvidence(second)?.source).toContain('rule pack team, rule any-line');
    expect(second?.confidence).toBeLessThan(r.findings[0]?.confidence ?? 0);
    // Not silent: close enough to be named as an alternative.
    expect(r.alternatives?.map((a) => a.cause)).toContain('config-invalid');
  });

  it.each([
    // [example, built-in primary, who leads with a pack matching every line of the failing container]
    ['coredns-loop.json', 'dns-failure', 'pack'], // a definitive-looking log signature (0.88) is still a log finding
    ['bad-command.json', 'command-not-found', 'pack'], // exit 127 alone is an inference (0.8), not definitive
    ['exit-zero-restart-always.json', 'exited-zero', 'built-in'], // status-level and sure (0.9)
    ['liveness-probe-too-early.json', 'liveness-probe-failed', 'built-in'], // kill events (0.93)
  ] as const)('precedence on %s: %s vs the pack -> %s leads', (file, cause, leader) => {
    const snap = example(file);
    expect(diagnose(snap).findings[0]?.cause).toBe(cause);
    const pack: RulePack = { name: 'team', rules: [{ id: 'every-line', cause: 'config-invalid', title: 'team rule', match: { regex: linear('.') } }] };
    const r = diagnose(snap, undefined, { packs: [pack] });
    expect(r.findings[0]?.cause).toBe(leader === 'pack' ? 'config-invalid' : cause);
    const builtIn = r.findings.find((f) => f.cause === cause);
    const fromPack = r.findings.find((f) => f.cause === 'config-invalid');
    expect(packEvidence(fromPack)).toBeDefined();
    // Neither is dropped; a pack below a status-level finding is always close enough to be named as an alternative.
    expect(builtIn).toBeDefined();
    if (leader === 'built-in') expect(r.alternatives?.map((a) => a.cause)).toContain('config-invalid');
  });

  it('an image pull failure (no logs at all) is untouched by packs', () => {
    const snap = example('missing-secret.json');
    const pack: RulePack = { name: 'team', rules: [{ id: 'any', cause: 'app-error', title: 't', match: { regex: linear('.') } }] };
    expect(diagnose(snap, undefined, { packs: [pack] })).toEqual(diagnose(snap));
  });

  it('applies only to the containers and images its selectors name', () => {
    const snap = example('rule-packs/ledger-lease-lost.json');
    const rule = LEDGER.rules[0]!;
    const other = (sel: Partial<typeof rule>): RulePack => ({ name: 'p', rules: [{ ...rule, ...sel }] });
    expect(packEvidence(diagnose(snap, undefined, { packs: [other({ containers: ['api', 'web-*'] })] }).findings[0])).toBeUndefined();
    expect(packEvidence(diagnose(snap, undefined, { packs: [other({ images: ['ghcr.io/*'] })] }).findings[0])).toBeUndefined();
    expect(packEvidence(diagnose(snap, undefined, { packs: [other({ containers: ['led*'], images: ['registry.example.com/payments/*'] })] }).findings[0])).toBeDefined();
  });

  it('matches a substring case-insensitively only when asked', () => {
    const snap = example('rule-packs/ledger-lease-lost.json');
    const sub = (ignoreCase?: boolean): RulePack => ({ name: 'p', rules: [{ id: 'r', cause: 'config-invalid', title: 't', match: { substring: 'ledger-e1207', ...(ignoreCase === undefined ? {} : { ignoreCase }) } }] });
    expect(diagnose(snap, undefined, { packs: [sub()] }).findings[0]?.cause).toBe('app-error');
    expect(diagnose(snap, undefined, { packs: [sub(true)] }).findings[0]?.cause).toBe('config-invalid');
  });

  it('never runs a regex that was not compiled for the linear-time engine; says so in the report', () => {
    const snap = example('rule-packs/ledger-lease-lost.json');
    const pack: RulePack = { name: 'p', rules: [{ id: 'backtracking', cause: 'config-invalid', title: 't', match: { regex: /(a+)+$|LEDGER/ } }] };
    const r = diagnose(snap, undefined, { packs: [pack] });
    expect(r.findings[0]?.cause).toBe('app-error');
    expect(r.errors).toEqual([{ rule: 'rule pack p, rule backtracking', message: expect.stringContaining('not compiled for linear-time matching') }]);
  });

  it('a catastrophic-looking pattern runs in linear time on a hostile line', () => {
    const hostile = structuredClone(example('rule-packs/ledger-lease-lost.json'));
    hostile.logs.ledger = { previous: `${'a'.repeat(3999)}!\n${'a'.repeat(3999)}!`, current: null };
    const pack: RulePack = { name: 'p', rules: [{ id: 'nested', cause: 'config-invalid', title: 't', match: { regex: linear('(a+)+$') } }, { id: 'poly', cause: 'config-invalid', title: 't', match: { regex: linear('.*a.*b.*c') } }] };
    const r = diagnose(hostile, undefined, { packs: [pack] });
    expect(r.errors).toEqual([]);
    expect(packEvidence(r.findings[0])).toBeUndefined();
  });

  it('without packs the report is exactly the built-in one', () => {
    for (const file of ['oom-killed.json', 'database-connection-refused.json', 'missing-env-var.json', 'rule-packs/ledger-lease-lost.json']) {
      expect(diagnose(example(file), undefined, { packs: [] })).toEqual(diagnose(example(file)));
    }
  });

  it('globMatch: * only, anchored', () => {
    expect(globMatch('api', 'api')).toBe(true);
    expect(globMatch('api', 'api-2')).toBe(false);
    expect(globMatch('api-*', 'api-2')).toBe(true);
    expect(globMatch('*/payments/*', 'registry.example.com/payments/ledger:2')).toBe(true);
    expect(globMatch('a*b*c', 'abc')).toBe(true);
    expect(globMatch('a*b*c', 'acb')).toBe(false);
    expect(globMatch('ab*ba', 'aba')).toBe(false);
  });
});
