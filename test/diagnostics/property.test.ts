// Whatever the input, diagnose returns a valid Report and never throws.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { diagnose } from '../../diagnostics/index.ts';
import { expectValid, junk, snapshotArb } from '../support/snapshot-arbitrary.ts';
import { buildSnapshot } from '../fixtures/diagnostics/build.ts';
import { CASES } from '../fixtures/diagnostics/cases.ts';

describe('diagnose never throws', () => {
  it('on arbitrary JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => { expectValid(diagnose(v)); }), { numRuns: 300 });
  });

  it('on arbitrary values of any type', () => {
    fc.assert(fc.property(fc.anything(), (v) => { expectValid(diagnose(v)); }), { numRuns: 300 });
  });

  it('on snapshot-shaped input with wrong types and missing fields', () => {
    fc.assert(fc.property(snapshotArb, (v) => { expectValid(diagnose(v)); }), { numRuns: 500 });
  });

  it('on real fixtures with random fields deleted or replaced', () => {
    const paths = fc.array(fc.array(fc.constantFrom('pod', 'spec', 'status', 'metadata', 'containers', 'containerStatuses', 'lastState', 'terminated', 'state', 'waiting', 'events', 'logs', 'exitCode', 'reason', 'message', '0', '1', 'api', 'previous'), { minLength: 1, maxLength: 6 }), { maxLength: 4 });
    fc.assert(fc.property(fc.constantFrom(...CASES), paths, junk, (c, ps, replacement) => {
      const snap = buildSnapshot(c) as Record<string, unknown>;
      for (const p of ps) {
        let cur: unknown = snap;
        for (let i = 0; i < p.length - 1 && cur !== null && typeof cur === 'object'; i++) cur = (cur as Record<string, unknown>)[p[i] ?? ''];
        if (cur !== null && typeof cur === 'object') (cur as Record<string, unknown>)[p[p.length - 1] ?? ''] = replacement;
      }
      expectValid(diagnose(snap));
    }), { numRuns: 400 });
  });

  it('on huge logs, and returns a finding for them', () => {
    const c = CASES.find((x) => x.name === 'python-module-not-found');
    expect(c).toBeDefined();
    if (!c) return;
    const noise = 'INFO request served in 3ms path=/api/v1/items status=200\n'.repeat(200_000);
    const snap = buildSnapshot({ ...c, logs: { worker: `${noise}ModuleNotFoundError: No module named 'celery'` } });
    const r = diagnose(snap);
    expectValid(r);
    expect(r.findings[0]?.cause).toBe('missing-dependency');
  });

  it('reports a throwing rule as an error and still returns a report', () => {
    const c = CASES[0];
    if (!c) throw new Error('no cases');
    const r = diagnose(buildSnapshot(c), [{ id: 'broken', evaluate: () => { throw new Error('boom'); } }]);
    expectValid(r);
    expect(r.errors).toEqual([{ rule: 'broken', message: 'boom' }]);
  });
});

describe('diagnose on cyclic input', () => {
  it('returns a report for snapshots that reference themselves', () => {
    const c = CASES.find((x) => x.name === 'rollout-image-change');
    if (!c) throw new Error('no case');
    const snap = buildSnapshot(c) as Record<string, unknown> & { history: { template: Record<string, unknown> }[] };
    const first = snap.history[0];
    if (first) first.template.self = first.template;
    snap.loop = snap;
    const r = diagnose(snap);
    expectValid(r);
    expect(r.findings[0]?.cause).toBe('missing-dependency');
  });
});
