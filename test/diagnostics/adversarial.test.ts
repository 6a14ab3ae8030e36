// Hostile input of 1 MiB through every redaction rule and through the engine. These inputs took seconds
// to minutes with the old quadratic regexes; the per-test timeout is the only clock here (speed is
// measured by `npm run bench`), the assertions are about the output being right.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../diagnostics/index.ts';
import { redactArgv, redactTail, redactText } from '../../diagnostics/redact.ts';
import { buildSnapshot } from '../fixtures/diagnostics/build.ts';
import { ADVERSARIAL_SHAPES, adversarial } from '../support/adversarial.ts';

const MiB = 1 << 20;
const SHAPES = Object.keys(ADVERSARIAL_SHAPES);

/** What redaction must make of each shape: unchanged unless the shape itself is a secret. */
const EXPECTED: Record<string, (out: string, input: string) => void> = {
  'password=': (out) => expect(out).toBe('password=[REDACTED]'),
  userinfo: (out) => expect(out).toBe('a://b:[REDACTED]@'),
  xoxb: (out) => {
    expect(out).not.toMatch(/xox[abposer]-[A-Za-z0-9-]{6}/);
    expect(out).toContain('xox?-[REDACTED]');
  },
};

describe('redaction on 1 MiB of hostile input', () => {
  for (const name of SHAPES) {
    it(`${name}: right output, idempotent`, () => {
      const input = adversarial(name, MiB);
      const out = redactText(input);
      const check = EXPECTED[name];
      if (check === undefined) expect(out).toBe(input);
      else check(out, input);
      expect(redactText(out)).toBe(out);
    });
  }

  it('still finds a secret after a megabyte of every shape', () => {
    for (const name of SHAPES) {
      const out = redactText(`${adversarial(name, MiB)}\npassword="hunter 2" token=tok-s3cr3t-test postgres://u:pa/ss@db/x`);
      expect(out.endsWith('\npassword="[REDACTED]" token=[REDACTED] postgres://u:[REDACTED]@db/x'), name).toBe(true);
    }
  });

  it('an unterminated quote masks to the end of its line only', () => {
    const out = redactText(`password="${'x '.repeat(MiB / 2)}\nnext line`);
    expect(out).toBe('password="[REDACTED]\nnext line');
  });

  it('argv and tails of hostile size', () => {
    const argv = ['--db-password', 'a'.repeat(MiB), ...Array.from({ length: 1000 }, () => '--token')];
    const out = redactArgv(argv);
    expect(out[1]).toBe('[REDACTED]');
    expect(out).toHaveLength(argv.length);
    const tail = redactTail(`${'a1'.repeat(MiB)}\nsecret=abc123\n`, 64);
    expect(tail.text).toBe('secret=[REDACTED]\n');
  });
});

describe('the engine on 1 MiB of hostile log', () => {
  for (const name of SHAPES) {
    it(`${name}: still finds the crash line after the hostile text`, () => {
      const hostile = adversarial(name, MiB);
      const snap = buildSnapshot({
        name: 'adversarial', cause: 'dependency-unreachable', container: 'api',
        containers: [{ name: 'api', last: { exitCode: 1, message: hostile.slice(0, 4096) }, args: [hostile.slice(0, 10_000)] }],
        events: [{ reason: 'BackOff', message: hostile.slice(0, 20_000), container: 'api' }],
        logs: { api: `${hostile}\n${hostile.slice(0, 100_000)}\nError: connect ECONNREFUSED 10.0.0.5:5432` },
      });
      const report = diagnose(snap as never);
      expect(report.findings[0]?.cause).toBe('dependency-unreachable');
      const line = report.findings[0]?.evidence.find((e) => e.kind === 'log');
      expect(line?.text).toBe('Error: connect ECONNREFUSED 10.0.0.5:5432');
    });
  }

  it('a single line of 262,000 spaces (the issue\'s reproduction) is read as nothing', () => {
    const snap = buildSnapshot({ name: 'spaces', cause: 'unknown', container: 'api', containers: [{ name: 'api', last: { exitCode: 1 } }], logs: { api: `${' '.repeat(262_000)}x\n` } });
    const report = diagnose(snap as never);
    expect(report.findings.length).toBeGreaterThan(0);
    // The line is blank once cut to the line cap: no finding quotes it.
    expect(report.findings.flatMap((f) => f.evidence).filter((e) => e.kind === 'log')).toEqual([]);
  });
});
