// The engine on 10,000 (FUZZ_RUNS) arbitrary snapshots: it never throws and always returns a valid report.
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { diagnose } from '../../diagnostics/index.ts';
import { expectValid, snapshotArb } from '../support/snapshot-arbitrary.ts';
import { FUZZ_RUNS, fuzzOptions, fuzzTimeout } from './fuzz.ts';

describe(`fuzz: engine (${FUZZ_RUNS} cases)`, () => {
  it('diagnose never throws on snapshot-shaped input with wrong types, missing fields and junk', () => {
    fc.assert(
      fc.property(fc.oneof({ arbitrary: snapshotArb, weight: 8 }, fc.anything()), (snapshot) => {
        expectValid(diagnose(snapshot));
      }),
      fuzzOptions(9101),
    );
  }, fuzzTimeout());
});
