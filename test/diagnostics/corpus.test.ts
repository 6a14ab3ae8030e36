import { describe, expect, it } from 'vitest';
import { diagnose } from '../../diagnostics/index.ts';
import { CAUSE_IDS } from '../../diagnostics/types.ts';
import { loadCorpus } from '../fixtures/corpus/load.ts';

// The held-out corpus: snapshots transcribed from public issue threads, labelled with the cause their
// resolution shows (see test/fixtures/corpus/). The product is judged the same way: findings[0].
const cases = loadCorpus();

function primary(snapshot: unknown): { cause: string | undefined; container: string | undefined } {
  const f = diagnose(snapshot).findings[0];
  return { cause: f?.cause, container: f?.container };
}

describe('real-world corpus', () => {
  it('is large enough and covers every cause id', () => {
    expect(cases.length).toBeGreaterThanOrEqual(70);
    const covered = new Set(cases.map((c) => c.expected.cause));
    expect(CAUSE_IDS.filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    expect(primary(c.snapshot)).toEqual({ cause: c.expected.cause, container: c.expected.container });
  });

  it('puts the right cause and container first in at least 95 % of cases', () => {
    const hits = cases.filter((c) => {
      const got = primary(c.snapshot);
      return got.cause === c.expected.cause && got.container === c.expected.container;
    }).length;
    expect(hits / cases.length).toBeGreaterThanOrEqual(0.95);
  });
});
