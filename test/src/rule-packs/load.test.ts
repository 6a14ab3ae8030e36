// Loading operator rule packs (src/rule-packs): zod validation with file:line: path: what is wrong, hostile regexes
// refused or run linear-time, a mounted ConfigMap directory read as the kubelet lays it out.
import { mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRulePacks, parseRulePack, RulePackError } from '../../../src/rule-packs/load.ts';
import { compileLinear, MAX_REGEX_CHARS } from '../../../src/rule-packs/linear-regex.ts';

const EXAMPLE = fileURLToPath(new URL('../../../examples/rule-packs/', import.meta.url));

function problemsOf(text: string, file = 'team.yaml'): string[] {
  const problems: string[] = [];
  const pack = parseRulePack(text, file, problems);
  if (problems.length === 0) expect(pack).toBeDefined();
  else expect(pack).toBeUndefined();
  return problems;
}

const rule = (extra: string): string => `name: team\nrules:\n  - id: r1\n    cause: app-error\n    title: t\n${extra}`;

describe('rule pack validation', () => {
  it('loads the example pack: rules compiled, regexes on the linear-time engine', () => {
    const [pack, ...rest] = loadRulePacks(EXAMPLE);
    expect(rest).toEqual([]);
    expect(pack?.name).toBe('payments');
    expect(pack?.rules.map((r) => r.id)).toEqual(['ledger-lock-lost', 'fx-rates-stale']);
    expect(pack?.rules[0]?.match.regex?.flags).toContain('l');
    expect(pack?.rules[0]?.commands?.[0]?.argv[0]).toBe('kubectl');
  });

  it('says which file, line and key is wrong, and how, for every problem at once', () => {
    const problems = problemsOf([
      'name: Team Pack',
      'rules:',
      '  - id: ok',
      '    cause: app-error',
      '    title: fine',
      '    match: { substring: "hello there" }',
      '  - id: r2',
      '    cause: not-a-cause',
      '    title: x',
      '    containres: [api]',
      '    match: {}',
      '  - id: ok',
      '    cause: app-error',
      '    title: dup',
      '    match: { substring: "abc" }',
      '    commands:',
      '      - description: wipe',
      '        argv: [rm, -rf, /]',
    ].join('\n'));
    expect(problems).toEqual([
      'team.yaml:1: name: must be lowercase letters, digits and "-" (e.g. payments), at most 63 characters.',
      expect.stringMatching(/^team\.yaml:8: rules\[1\]\.cause: must be a cause id from the taxonomy: oom-killed, .*app-error\.$/),
      'team.yaml:11: rules[1].match: give match.substring, match.regex or both.',
      'team.yaml:10: rules[1].containres: unknown key (a typo? see docs/rule-packs.md for the keys a rule takes).',
      expect.stringMatching(/^team\.yaml:18: rules\[2\]\.commands\[0\]\.argv: must start with "kubectl"/),
    ]);
    for (const p of problems) expect(p).not.toMatch(/\n|\bat .*\.ts:\d+|Error:/);
  });

  it('reports duplicate rule ids, a $N the regex has no group for, and YAML syntax errors with their line', () => {
    expect(problemsOf('name: team\nrules:\n  - { id: a, cause: app-error, title: t, match: { substring: xyz } }\n  - { id: a, cause: app-error, title: t, match: { substring: xyz } }\n'))
      .toEqual(['team.yaml:4: rules[1].id: the id "a" is used twice in this pack (also rules[0]).']);
    expect(problemsOf(rule("    match: { regex: 'lost (\\w+)' }\n    title: t $2\n"))).toEqual([expect.stringMatching(/^team\.yaml:\d+: /)]);
    expect(problemsOf(rule("    match: { regex: 'lost (\\w+)' }\n").replace('title: t', 'title: shard $2')))
      .toEqual(['team.yaml:5: rules[0].title: the title uses $2, but the regex has only 1 group.']);
    expect(problemsOf('name: team\nrules:\n  - id: [unclosed\n')).toEqual([expect.stringMatching(/^team\.yaml:\d+: not valid YAML \(/)]);
    expect(problemsOf('- just\n- a list\n')).toEqual(['team.yaml:1: a rule pack is a mapping with name: and rules: (see docs/rule-packs.md).']);
  });

  it('refuses regexes that cannot run in linear time, over-long ones, /slashed/ ones and broken ones', () => {
    const hostile = ['(a)\\1', '(?<x>a)\\k<x>', '(?=a)b', '(?!x)y', 'a{1,500}', '(?i:abc)'];
    for (const source of hostile) {
      const c = compileLinear(source);
      expect(c.ok, source).toBe(false);
      if (!c.ok) expect(c.problem).toContain('cannot run in linear time');
    }
    expect(compileLinear('a'.repeat(MAX_REGEX_CHARS + 1))).toEqual({ ok: false, problem: expect.stringContaining(`keep it under ${MAX_REGEX_CHARS}`) });
    expect(compileLinear('/lost/i')).toEqual({ ok: false, problem: expect.stringContaining('written with slashes') });
    expect(compileLinear('lost (')).toEqual({ ok: false, problem: expect.stringContaining('is not a valid regular expression') });
    const problems = problemsOf(rule("    match:\n      regex: '(a)\\1'\n"));
    expect(problems).toEqual([expect.stringMatching(/^team\.yaml:7: rules\[0\]\.match\.regex: the regex cannot run in linear time, so a hostile log line could stall the bot/)]);
  });

  it('runs nested and polynomial-looking patterns on the linear-time engine instead of refusing them', () => {
    for (const source of ['(a+)+$', '(x|x)*y', '.*a.*b.*c']) {
      const c = compileLinear(source);
      expect(c.ok && c.re.flags).toBe('l');
      if (c.ok) expect(c.re.test(`${'a'.repeat(3999)}!`)).toBe(false);
    }
  });

  it('ignoreCase applies to substrings only', () => {
    expect(problemsOf(rule("    match: { regex: 'lost', ignoreCase: true }\n"))).toEqual([
      'team.yaml:6: rules[0].match.ignoreCase: ignoreCase applies to match.substring only; in a regex write both cases, e.g. [Ee]rror.',
    ]);
  });
});

describe('hostile pack files', () => {
  it('a YAML alias bomb is a problem with its file, not an exhausted process', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...['b', 'c', 'd', 'e', 'f'].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcde'[i]}`).join(', ')}]`), 'name: bomb', 'rules: [*f]'].join('\n');
    expect(problemsOf(bomb)).toEqual([expect.stringMatching(/^team\.yaml:1: the YAML cannot be expanded \(Excessive alias count/)]);
  });

  it('reads regular files only: a FIFO or device named *.yaml is skipped in a directory and refused as the path', () => {
    const fs = {
      readdir: () => ['ok.yaml', 'pipe.yaml'],
      kind: (p: string) => (p === '/rules' ? 'directory' as const : p.endsWith('pipe.yaml') ? 'other' as const : 'file' as const),
      size: () => 100,
      readFile: (p: string) => {
        if (p.endsWith('pipe.yaml')) throw new Error('read a FIFO');
        return 'name: ok\nrules:\n  - { id: r, cause: app-error, title: t, match: { substring: abc } }\n';
      },
    };
    expect(loadRulePacks('/rules', fs).map((p) => p.name)).toEqual(['ok']);
    expect(() => loadRulePacks('/rules/pipe.yaml', fs)).toThrow(/pipe\.yaml: is neither a pack file nor a directory of them/);
  });
});

describe('rule pack directories', () => {
  it('reads a mounted ConfigMap as the kubelet lays it out (..data links, dot entries skipped), in name order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'packs-'));
    const data = join(dir, '..2026_12_08_01_00_00.000000001');
    await mkdir(data);
    await writeFile(join(data, 'b.yaml'), 'name: bee\nrules:\n  - { id: r, cause: app-error, title: t, match: { substring: bee-line } }\n');
    await writeFile(join(data, 'a.yml'), 'name: ay\nrules:\n  - { id: r, cause: app-error, title: t, match: { substring: ay-line } }\n');
    await symlink('..2026_12_08_01_00_00.000000001', join(dir, '..data'));
    await symlink('..data/b.yaml', join(dir, 'b.yaml'));
    await symlink('..data/a.yml', join(dir, 'a.yml'));
    await writeFile(join(dir, 'README.txt'), 'not a pack');
    expect(loadRulePacks(dir).map((p) => p.name)).toEqual(['ay', 'bee']);
  });

  it('lists every problem of every file, including a pack name used twice; no stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'packs-'));
    await writeFile(join(dir, 'one.yaml'), 'name: team\nrules:\n  - { id: r, cause: app-error, title: t, match: { substring: abc } }\n');
    await writeFile(join(dir, 'two.yaml'), 'name: team\nrules:\n  - { id: r, cause: app-error, title: t, match: { substring: abc } }\n');
    await writeFile(join(dir, 'three.yaml'), 'name: three\nrules: []\n');
    let error: unknown;
    try {
      loadRulePacks(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RulePackError);
    expect((error as RulePackError).problems).toEqual([
      `${join(dir, 'three.yaml')}:2: rules: must hold at least one rule.`,
      `${join(dir, 'two.yaml')}:1: name: the pack name "team" is also used by one.yaml; evidence names the pack, so names must differ.`,
    ]);
    expect(() => loadRulePacks(join(dir, 'missing'))).toThrow(/missing: cannot read the rule packs: it does not exist\. Check CRASHLOOP_RULES_DIR/);
  });
});
