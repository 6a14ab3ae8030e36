import { describe, expect, it } from 'vitest';
import { diagnose } from '../../diagnostics/index.ts';
import { CAUSE_IDS } from '../../diagnostics/types.ts';
import { holdout2Dir, holdout3Dir, holdout4Dir, holdout5Dir, holdout6Dir, holdout7Dir, holdout8Dir, holdout9Dir, holdoutDir, loadCorpus } from '../fixtures/corpus/load.ts';

// The held-out corpus: snapshots transcribed from public issue threads, labelled with the cause their
// resolution shows (see test/fixtures/corpus/). The product is judged the same way: findings[0].
const cases = loadCorpus();
// Cases gathered after the engine was tuned on the corpus; they move into the corpus once the engine
// passes them. Until then only their aggregate is held to the score they got on first sight.
const holdout = loadCorpus(holdoutDir);
const HOLDOUT_FLOOR = 0.86;

function hit(c: { snapshot: unknown; expected: { cause: string; container: string } }): boolean {
  const got = primary(c.snapshot);
  return got.cause === c.expected.cause && got.container === c.expected.container;
}

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
    const hits = cases.filter(hit).length;
    expect(hits / cases.length).toBeGreaterThanOrEqual(0.95);
  });
});

describe('hold-out corpus', () => {
  it(`keeps at least ${HOLDOUT_FLOOR * 100} % of cases right`, () => {
    expect(holdout.length).toBeGreaterThanOrEqual(20);
    const hits = holdout.filter(hit).length;
    expect(hits / holdout.length).toBeGreaterThanOrEqual(HOLDOUT_FLOOR);
  });
});

// A second hold-out from 97 other threads, covering every cause id. Its first-sight score (each batch against an
// engine that had not seen it, see test/fixtures/corpus/HOLDOUT2.md) was 92/97 = 94.8 %; the floor is that figure
// rounded down.
// No per-case tests: the set stays a measurement, not a tuning target.
const holdout2 = loadCorpus(holdout2Dir);
const HOLDOUT2_FLOOR = 0.94;

describe('hold-out 2 corpus', () => {
  it(`covers every cause id and keeps at least ${HOLDOUT2_FLOOR * 100} % of cases right`, () => {
    expect(holdout2.length).toBeGreaterThanOrEqual(95);
    const covered = new Set(holdout2.map((c) => c.expected.cause));
    expect(CAUSE_IDS.filter((id) => !covered.has(id))).toEqual([]);
    const hits = holdout2.filter(hit).length;
    expect(hits / holdout2.length).toBeGreaterThanOrEqual(HOLDOUT2_FLOOR);
  });
});

// A third hold-out from 81 more threads, covering every cause id, written outside the shared tree and scored against
// a frozen engine before it entered the tree (test/fixtures/corpus/HOLDOUT3.md): batches A-J 64/70 against 67d9f30,
// batch K 11/11 against 46f8c7f, 75/81 = 92.6 % on first sight. The floor is that figure rounded down; like hold-out 2
// it stays a measurement, not a per-case target.
const holdout3 = loadCorpus(holdout3Dir);
const HOLDOUT3_FLOOR = 0.92;

describe('hold-out 3 corpus', () => {
  it(`covers every cause id and keeps at least ${HOLDOUT3_FLOOR * 100} % of cases right`, () => {
    expect(holdout3.length).toBeGreaterThanOrEqual(81);
    const covered = new Set(holdout3.map((c) => c.expected.cause));
    expect(CAUSE_IDS.filter((id) => !covered.has(id))).toEqual([]);
    const hits = holdout3.filter(hit).length;
    expect(hits / holdout3.length).toBeGreaterThanOrEqual(HOLDOUT3_FLOOR);
  });
});

// A fourth hold-out from 85 more threads, covering every cause id, written outside the shared tree and scored against
// a frozen engine before it entered the tree (test/fixtures/corpus/HOLDOUT4.md): batches A-F 61/65 against d108d76,
// batch G 10/11 against bbe2ce8, batch H 9/9 against bae6e58, 80/85 = 94.1 % on first sight. The floor is that figure
// rounded down; a measurement, not a per-case target.
const holdout4 = loadCorpus(holdout4Dir);
const HOLDOUT4_FLOOR = 0.94;

describe('hold-out 4 corpus', () => {
  it(`covers every cause id and keeps at least ${HOLDOUT4_FLOOR * 100} % of cases right`, () => {
    expect(holdout4.length).toBeGreaterThanOrEqual(85);
    const covered = new Set(holdout4.map((c) => c.expected.cause));
    expect(CAUSE_IDS.filter((id) => !covered.has(id))).toEqual([]);
    const hits = holdout4.filter(hit).length;
    expect(hits / holdout4.length).toBeGreaterThanOrEqual(HOLDOUT4_FLOOR);
  });
});

// A fifth hold-out from 50 more threads, covering every cause id, written outside the shared tree and scored against
// a frozen engine before it entered the tree (test/fixtures/corpus/HOLDOUT5.md): batches A-H 41/42 against 777f535,
// batch I 6/8 against a66afbb, 47/50 = 94.0 % on first sight. The floor is that figure rounded down; a measurement,
// not a per-case target.
const holdout5 = loadCorpus(holdout5Dir);
const HOLDOUT5_FLOOR = 0.94;

describe('hold-out 5 corpus', () => {
  it(`covers every cause id and keeps at least ${HOLDOUT5_FLOOR * 100} % of cases right`, () => {
    expect(holdout5.length).toBeGreaterThanOrEqual(50);
    const covered = new Set(holdout5.map((c) => c.expected.cause));
    expect(CAUSE_IDS.filter((id) => !covered.has(id))).toEqual([]);
    const hits = holdout5.filter(hit).length;
    expect(hits / holdout5.length).toBeGreaterThanOrEqual(HOLDOUT5_FLOOR);
  });
});

// A sixth hold-out from 31 more threads (17 cause ids), written outside the shared tree and scored against a frozen
// engine before it entered the tree (test/fixtures/corpus/HOLDOUT6.md): batches A-C 25/28 against ea198ec, batch D
// 3/3 against 8fab49f, 28/31 = 90.3 % on first sight. The floor is that figure rounded down; a measurement, not a
// per-case target.
const holdout6 = loadCorpus(holdout6Dir);
const HOLDOUT6_FLOOR = 0.9;

describe('hold-out 6 corpus', () => {
  it(`keeps at least ${HOLDOUT6_FLOOR * 100} % of its cases right`, () => {
    expect(holdout6.length).toBeGreaterThanOrEqual(31);
    expect(new Set(holdout6.map((c) => c.expected.cause)).size).toBeGreaterThanOrEqual(17);
    const hits = holdout6.filter(hit).length;
    expect(hits / holdout6.length).toBeGreaterThanOrEqual(HOLDOUT6_FLOOR);
  });
});

// A seventh hold-out (issue 9) from 12 more threads, written after the issue-9 engine was frozen (bb60e7c) and scored
// first sight: 3/12 against the engine before issue 9 (42ae4f7), 7/12 against bb60e7c (HOLDOUT7.md). The engine was then
// tuned on its misses with general mechanisms (11/12 now); the floor holds that, and is a measurement, not first sight.
const holdout7 = loadCorpus(holdout7Dir);
const HOLDOUT7_FLOOR = 0.9;

describe('hold-out 7 corpus', () => {
  it(`keeps at least ${HOLDOUT7_FLOOR * 100} % of its cases right`, () => {
    expect(holdout7.length).toBeGreaterThanOrEqual(12);
    const hits = holdout7.filter(hit).length;
    expect(hits / holdout7.length).toBeGreaterThanOrEqual(HOLDOUT7_FLOOR);
  });
});

// An eighth hold-out (issue 9, the engine helper's set) from 26 more threads, labelled from each thread's resolution and
// scored first sight against main's engine (65bf9ad): 15/26 (HOLDOUT8.md). The engine was then tuned on its misses with
// general mechanisms (variants and near misses in test/fixtures/diagnostics/cases-round8.ts); the floor holds the
// result (25/26), and is a regression floor, not first sight.
const holdout8 = loadCorpus(holdout8Dir);
const HOLDOUT8_FLOOR = 0.92;

describe('hold-out 8 corpus', () => {
  it(`keeps at least ${HOLDOUT8_FLOOR * 100} % of its cases right`, () => {
    expect(holdout8.length).toBeGreaterThanOrEqual(26);
    const hits = holdout8.filter(hit).length;
    expect(hits / holdout8.length).toBeGreaterThanOrEqual(HOLDOUT8_FLOOR);
  });
});

// A ninth hold-out (issue 9) from 54 more threads, written blind by a separate session while the engine was still being
// changed, labelled from each thread's resolution and committed before the issue-9 engine froze (cc9be30), then scored
// once against it: 45/54 at first sight (HOLDOUT9.md). After first sight the engine was changed for its misses with
// general mechanisms (variants and near misses in test/fixtures/diagnostics/cases-round9.ts); the floor holds the
// result (54/54), a regression floor, not first sight.
const holdout9 = loadCorpus(holdout9Dir);
const HOLDOUT9_FLOOR = 0.98;

describe('hold-out 9 corpus', () => {
  it(`keeps at least ${HOLDOUT9_FLOOR * 100} % of its cases right`, () => {
    expect(holdout9.length).toBeGreaterThanOrEqual(54);
    expect(new Set(holdout9.map((c) => c.expected.cause)).size).toBe(23);
    const hits = holdout9.filter(hit).length;
    expect(hits / holdout9.length).toBeGreaterThanOrEqual(HOLDOUT9_FLOOR);
  });
});
