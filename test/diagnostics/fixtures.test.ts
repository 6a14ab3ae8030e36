// Every fixture under test/fixtures/diagnostics/<cause>/ must put its expected cause and container first.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { diagnose } from '../../diagnostics/index.ts';
import { CAUSE_IDS } from '../../diagnostics/types.ts';
import { fixturesDir } from '../fixtures/diagnostics/build.ts';

interface Expected { cause: string; container: string; fixKind?: string; remedy?: string }

function load(): { id: string; snapshot: Record<string, unknown>; expected: Expected }[] {
  const out: { id: string; snapshot: Record<string, unknown>; expected: Expected }[] = [];
  for (const dir of readdirSync(fixturesDir).sort()) {
    const sub = join(fixturesDir, dir);
    if (!statSync(sub).isDirectory()) continue;
    for (const f of readdirSync(sub).filter((n) => n.endsWith('.json')).sort()) {
      const snapshot = JSON.parse(readFileSync(join(sub, f), 'utf8')) as Record<string, unknown>;
      out.push({ id: `${dir}/${f}`, snapshot, expected: snapshot.expected as Expected });
    }
  }
  return out;
}

const fixtures = load();

describe('diagnostics fixtures', () => {
  it('cover every cause id with at least two fixtures', () => {
    const counts = new Map<string, number>();
    for (const f of fixtures) counts.set(f.expected.cause, (counts.get(f.expected.cause) ?? 0) + 1);
    const thin = CAUSE_IDS.filter((c) => (counts.get(c) ?? 0) < 2);
    expect(thin).toEqual([]);
  });

  for (const f of fixtures) {
    it(`${f.id}`, () => {
      const report = diagnose(f.snapshot);
      expect(report.errors).toEqual([]);
      if (f.expected.cause === 'none') {
        expect(report.findings).toEqual([]);
        return;
      }
      const first = report.findings[0];
      expect({ cause: first?.cause, container: first?.container }).toEqual({ cause: f.expected.cause, container: f.expected.container });
      if (f.expected.fixKind) expect(first?.fix.kind).toBe(f.expected.fixKind);
      if (f.expected.remedy) expect(first?.fix.fixKind).toBe(f.expected.remedy);
      expect(first?.evidence.length).toBeGreaterThan(0);
    });
  }
});
