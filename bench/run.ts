// Diagnose speed and memory over the fixtures: ops/s, p50/p99 per snapshot, heap used, CPU model.
//   npm run bench
import { cpus } from 'node:os';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { diagnose } from '../diagnostics/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function loadDir(dir: string): unknown[] {
  const out: unknown[] = [];
  let entries: string[] = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...loadDir(p));
    else if (name.endsWith('.json')) out.push(JSON.parse(readFileSync(p, 'utf8')));
  }
  return out;
}

const snapshots = [...loadDir(join(root, 'test/fixtures/diagnostics')), ...loadDir(join(root, 'test/fixtures/corpus'))];
if (snapshots.length === 0) throw new Error('no fixtures found under test/fixtures');

// A worst case: 1,000 lines (the engine's cap) of noisy log before the fatal line.
const big = structuredClone(snapshots[0]) as { logs: Record<string, { previous: string | null }> };
const firstLog = Object.keys(big.logs)[0];
if (firstLog) big.logs[firstLog] = { previous: `${'2026-11-21T11:59:00Z INFO GET /api/v1/items 200 3ms user=42 trace=abc123\n'.repeat(50_000)}Error: Cannot find module 'express'` };

function measure(label: string, inputs: unknown[], minMs: number): void {
  for (let i = 0; i < 50; i++) diagnose(inputs[i % inputs.length]);
  const samples: number[] = [];
  const start = performance.now();
  let i = 0;
  while (performance.now() - start < minMs || samples.length < 200) {
    const t0 = performance.now();
    diagnose(inputs[i++ % inputs.length]);
    samples.push(performance.now() - t0);
  }
  const total = performance.now() - start;
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? 0;
  console.log(`${label.padEnd(34)} ${String(Math.round(samples.length / (total / 1000))).padStart(8)} ops/s   p50 ${pct(50).toFixed(3)} ms   p99 ${pct(99).toFixed(3)} ms   max ${pct(100).toFixed(3)} ms   (${samples.length} runs)`);
}

const gc = (globalThis as { gc?: () => void }).gc;
console.log(`cpu: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores), node ${process.version}`);
console.log(`fixtures: ${snapshots.length} snapshots`);
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
measure('diagnose, fixtures round-robin', snapshots, 2000);
measure('diagnose, 12 MB log snapshot', [big], 2000);
const heapAfter = process.memoryUsage().heapUsed;
gc?.();
console.log(`heap used: ${(heapAfter / 1048576).toFixed(1)} MiB after the runs (${((heapAfter - heapBefore) / 1048576).toFixed(1)} MiB growth, before GC); rss ${(process.memoryUsage().rss / 1048576).toFixed(1)} MiB`);
