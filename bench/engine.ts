// The engine alone: every fixture and corpus snapshot round-robin, and a snapshot with a 12 MB log.
// Each run diagnoses a fresh parse (parsing is not timed), as the CLI does: the engine caches its
// normalized view per object, so reusing one object would flatter the figures.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { diagnose } from '../diagnostics/index.ts';
import { REPO } from './lib/proc.ts';
import { load, round, roundSummary, summarize, type Summary } from './lib/stats.ts';

function loadDir(dir: string): unknown[] {
  const out: unknown[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...loadDir(p));
    else if (name.endsWith('.json')) out.push(JSON.parse(readFileSync(p, 'utf8')));
  }
  return out;
}

export interface EngineRun {
  label: string;
  opsPerSec: number;
  ms: Summary;
}

function measure(label: string, inputs: string[], minMs: number, minSamples: number): EngineRun {
  for (let i = 0; i < 20; i++) diagnose(JSON.parse(inputs[i % inputs.length] ?? 'null'));
  const samples: number[] = [];
  let busy = 0;
  let i = 0;
  const start = performance.now();
  while (performance.now() - start < minMs || samples.length < minSamples) {
    const snapshot: unknown = JSON.parse(inputs[i++ % inputs.length] ?? 'null');
    const t0 = performance.now();
    diagnose(snapshot);
    const dt = performance.now() - t0;
    busy += dt;
    samples.push(dt);
  }
  return { label, opsPerSec: Math.round(samples.length / (busy / 1000)), ms: roundSummary(summarize(samples), 3) };
}

export interface EngineFigures {
  load: number;
  snapshots: number;
  roundRobin: EngineRun;
  bigLog: EngineRun;
  heapMb: number;
}

export function engineBench(minMs: number, minSamples = 200): EngineFigures {
  const snapshots = [...loadDir(join(REPO, 'test/fixtures/diagnostics')), ...loadDir(join(REPO, 'test/fixtures/corpus'))];
  if (snapshots.length === 0) throw new Error('no fixtures found under test/fixtures');
  // A worst case: 50,000 lines of noisy log before the fatal line (the engine reads the last 1,000).
  const big = structuredClone(snapshots[0]) as { logs: Record<string, { previous: string | null }> };
  const firstLog = Object.keys(big.logs)[0];
  if (firstLog) big.logs[firstLog] = { previous: `${'2026-11-21T11:59:00Z INFO GET /api/v1/items 200 3ms user=42 trace=abc123\n'.repeat(50_000)}Error: Cannot find module 'express'` };
  const roundRobin = measure('fixtures round-robin', snapshots.map((x) => JSON.stringify(x)), minMs, minSamples);
  const bigLog = measure('12 MB log snapshot', [JSON.stringify(big)], minMs, minSamples);
  return { load: load(), snapshots: snapshots.length, roundRobin, bigLog, heapMb: round(process.memoryUsage().heapUsed / 2 ** 20) };
}

/**
 * Redaction and the engine on 1 MiB of adversarial input: bench/adversarial.ts (owned by the
 * render-safety work) when it exists; null, marked as missing, when it does not.
 */
export async function adversarialBench(): Promise<{ available: boolean; figures: unknown }> {
  const specifier = './adversarial.ts';
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ERR_MODULE_NOT_FOUND') return { available: false, figures: null };
    throw error;
  }
  const run = [mod.adversarialBench, mod.runAdversarial, mod.run, mod.default].find((f) => typeof f === 'function') as (() => unknown) | undefined;
  if (run === undefined) return { available: false, figures: null };
  return { available: true, figures: await run() };
}
