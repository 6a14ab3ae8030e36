// `crashloop rules test|check` and `crashloop diagnose --rules` in-process, with their documented exit codes.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../../src/cli/main.ts';
import { EXIT } from '../../../src/cli/exit-codes.ts';

const PACKS = fileURLToPath(new URL('../../../examples/rule-packs/', import.meta.url));
const PACK = join(PACKS, 'payments.yaml');
const LEDGER = join(PACKS, 'ledger-lease-lost.json');
const OOM = fileURLToPath(new URL('../../../examples/oom-killed.json', import.meta.url));

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdin: Readable.from([Buffer.from('')]),
    env,
  };
  return { code: await main(argv, io), stdout, stderr };
}

async function badPack(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'packs-cli-'));
  await writeFile(join(dir, 'bad.yaml'), "name: team\nrules:\n  - id: r\n    cause: app-error\n    title: t\n    match: { regex: '(a)\\1' }\n");
  return dir;
}

describe('crashloop rules test', () => {
  it('prints which rule matched which line and what the diagnosis becomes; exit 0 when every snapshot matched', async () => {
    const { code, stdout, stderr } = await cli(['rules', 'test', PACK, LEDGER]);
    expect(stderr).toBe('');
    expect(code).toBe(EXIT.OK);
    expect(stdout).toContain('payments/ledger-lock-lost → dependency-unreachable  container ledger, logs/ledger previous line 4');
    expect(stdout).toContain('LEDGER-E1207 lease lost for shard eu-3');
    expect(stdout).toContain('diagnosis: dependency-unreachable in ledger (from the pack, payments/ledger-lock-lost)');
    expect(stdout).toContain('rules that matched nothing: payments/fx-rates-stale');
  });

  it('exits 7 when a snapshot matched no rule, and shows that the built-in diagnosis stands', async () => {
    const { code, stdout } = await cli(['rules', 'test', PACKS, LEDGER, OOM]);
    expect(code).toBe(EXIT.NO_MATCH);
    expect(stdout).toMatch(/oom-killed\.json \(shop\/[\w-]+\)\n {2}no rule matched any line\n {2}diagnosis: oom-killed in worker \(built-in library\)/);
  });

  it('prints JSON with --output json', async () => {
    const { code, stdout } = await cli(['rules', 'test', PACK, LEDGER, '--output', 'json']);
    expect(code).toBe(EXIT.OK);
    const result = JSON.parse(stdout) as { snapshots: { matches: { rule: string; line: number }[]; diagnosis: { fromPack?: string } }[] };
    expect(result.snapshots[0]?.matches).toEqual([expect.objectContaining({ pack: 'payments', rule: 'ledger-lock-lost', line: 4, failing: true })]);
    expect(result.snapshots[0]?.diagnosis.fromPack).toBe('payments/ledger-lock-lost');
  });

  it('writes control characters of log lines visibly, never to the terminal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'packs-cli-'));
    const snap = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(LEDGER, 'utf8'))) as { logs: Record<string, { previous: string }> };
    snap.logs.ledger!.previous = 'LEDGER-E1207 lease lost for shard x\u001b]0;owned\u0007\u001b[2J';
    const file = join(dir, 'hostile.json');
    await writeFile(file, JSON.stringify(snap));
    const { code, stdout } = await cli(['rules', 'test', PACK, file]);
    expect(code).toBe(EXIT.OK);
    expect(stdout).not.toContain('\u001b');
    expect(stdout).toContain('\\x1b]0;owned\\x07\\x1b[2J');
  });

  it('exits 6 with file:line problems for an invalid pack, 5 for a bad snapshot, 2 for a bad command line', async () => {
    const bad = await cli(['rules', 'test', await badPack(), LEDGER]);
    expect(bad.code).toBe(EXIT.BAD_RULES);
    expect(bad.stderr).toMatch(/bad\.yaml:6: rules\[0\]\.match\.regex: the regex cannot run in linear time/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const snapshot = await cli(['rules', 'test', PACK, join(PACKS, 'nope.json')]);
    expect(snapshot.code).toBe(EXIT.BAD_SNAPSHOT);
    expect((await cli(['rules', 'test', PACK])).code).toBe(EXIT.USAGE);
    expect((await cli(['rules', 'frobnicate'])).code).toBe(EXIT.USAGE);
  });

  it('rules check validates a pack alone', async () => {
    const ok = await cli(['rules', 'check', PACKS]);
    expect(ok.code).toBe(EXIT.OK);
    expect(ok.stdout).toContain('payments: 2 rules valid');
    expect((await cli(['rules', 'check', await badPack()])).code).toBe(EXIT.BAD_RULES);
    const empty = await cli(['rules', 'check', await mkdtemp(join(tmpdir(), 'packs-empty-'))]);
    expect(empty.code).toBe(EXIT.BAD_RULES);
    expect(empty.stderr).toContain('holds no rule pack files');
  });
});

describe('crashloop diagnose with rule packs', () => {
  it('--rules adds the pack: its finding leads, its evidence names pack and rule', async () => {
    const { code, stdout } = await cli(['diagnose', '--snapshot', LEDGER, '--rules', PACKS, '--output', 'json']);
    expect(code).toBe(EXIT.OK);
    const report = JSON.parse(stdout) as { findings: { cause: string; evidence: { source: string }[] }[] };
    expect(report.findings[0]?.cause).toBe('dependency-unreachable');
    expect(report.findings[0]?.evidence.map((e) => e.source)).toContain('logs/ledger previous line 4 (rule pack payments, rule ledger-lock-lost)');
  });

  it('reads CRASHLOOP_RULES_DIR when --rules is not given; an invalid pack there exits 6', async () => {
    const viaEnv = await cli(['diagnose', '--snapshot', LEDGER, '--output', 'json'], { CRASHLOOP_RULES_DIR: PACKS });
    expect((JSON.parse(viaEnv.stdout) as { findings: { cause: string }[] }).findings[0]?.cause).toBe('dependency-unreachable');
    const without = await cli(['diagnose', '--snapshot', LEDGER, '--output', 'json']);
    expect((JSON.parse(without.stdout) as { findings: { cause: string }[] }).findings[0]?.cause).toBe('app-error');
    const bad = await cli(['diagnose', '--snapshot', LEDGER], { CRASHLOOP_RULES_DIR: await badPack() });
    expect(bad.code).toBe(EXIT.BAD_RULES);
    expect(bad.stdout).toBe('');
  });
});
