// Fuzzing settings shared by test/faults/fuzz-*.test.ts: a fixed seed per target and 10,000 cases by
// default; `FUZZ_RUNS=N` (and `FUZZ_SEED=S`) for longer or different runs.
export const FUZZ_RUNS = positive(process.env.FUZZ_RUNS, 10_000, 'FUZZ_RUNS');

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got "${value}")`);
  return n;
}

/** fast-check options for one target: its own default seed unless FUZZ_SEED is set. */
export function fuzzOptions(seed: number): { seed: number; numRuns: number; endOnFailure: true } {
  return { seed: positive(process.env.FUZZ_SEED, seed, 'FUZZ_SEED'), numRuns: FUZZ_RUNS, endOnFailure: true };
}

/** A fuzz target runs FUZZ_RUNS cases; this is the vitest timeout for it (at most ~40 ms a case, and 3 min). */
export function fuzzTimeout(): number {
  return Math.max(180_000, FUZZ_RUNS * 40);
}
