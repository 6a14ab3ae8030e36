// Summaries and the machine's state for the bench: percentiles by rank, load average with every figure.
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';

export interface Summary {
  n: number;
  median: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of sorted samples. */
function rank(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, median: rank(sorted, 50), p95: rank(sorted, 95), p99: rank(sorted, 99), min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN };
}

export const round = (n: number, digits = 1): number => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

export function roundSummary(s: Summary, digits = 1): Summary {
  return { n: s.n, median: round(s.median, digits), p95: round(s.p95, digits), p99: round(s.p99, digits), min: round(s.min, digits), max: round(s.max, digits) };
}

/** The 1-minute load average now, with the core count: a figure means little without it. */
export function load(): number {
  return round(loadavg()[0] ?? 0, 2);
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memGiB: round(totalmem() / 2 ** 30, 1),
    freeGiB: round(freemem() / 2 ** 30, 1),
    node: process.version,
    loadAverage: loadavg().map((n) => round(n, 2)),
  };
}

/**
 * Runs each variant `runs` times, interleaved (a, b, a, b, …) so a change in the machine's load hits
 * every variant alike, after `warmup` untimed rounds. Returns the samples in milliseconds per variant.
 */
export async function interleaved<K extends string>(variants: Record<K, () => Promise<unknown>>, runs: number, warmup = 1): Promise<Record<K, number[]>> {
  const names = Object.keys(variants) as K[];
  const samples = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < warmup + runs; round += 1) {
    for (const name of names) {
      const t0 = performance.now();
      await variants[name]();
      const dt = performance.now() - t0;
      if (round >= warmup) samples[name].push(dt);
    }
  }
  return samples;
}

/** Peak of a sampled value (RSS) while `work` runs. */
export async function peakWhile(sample: () => number | undefined, work: Promise<unknown>, everyMs = 50): Promise<number> {
  let peak = sample() ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, sample() ?? 0);
  }, everyMs);
  try {
    await work;
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, sample() ?? 0);
}
