// Diagnose speed and memory over the fixtures: ops/s, p50/p99 per snapshot, heap used, CPU model.
//   npm run bench
import { cpus } from 'node:os';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

// Each run diagnoses a fresh parse of the snapshot (parsing is not timed), as the CLI does: the
// engine caches its normalized view per object, so reusing one object would flatter the figures.
function measure(label: string, inputs: string[], minMs: number): void {
  for (let i = 0; i < 20; i++) diagnose(JSON.parse(inputs[i % inputs.length] ?? 'null'));
  const samples: number[] = [];
  let busy = 0;
  let i = 0;
  const start = performance.now();
  while (performance.now() - start < minMs || samples.length < 200) {
    const snapshot: unknown = JSON.parse(inputs[i++ % inputs.length] ?? 'null');
    const t0 = performance.now();
    diagnose(snapshot);
    const dt = performance.now() - t0;
    busy += dt;
    samples.push(dt);
  }
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? 0;
  console.log(`${label.padEnd(34)} ${String(Math.round(samples.length / (busy / 1000))).padStart(8)} ops/s   p50 ${pct(50).toFixed(3)} ms   p99 ${pct(99).toFixed(3)} ms   max ${pct(100).toFixed(3)} ms   (${samples.length} runs)`);
}

// The npm script runs plain `node`: expose the collector here so heap figures are measured after GC.
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

console.log(`cpu: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores), node ${process.version}`);
console.log(`fixtures: ${snapshots.length} snapshots`);
measure('diagnose, fixtures round-robin', snapshots.map((x) => JSON.stringify(x)), 2000);
measure('diagnose, 12 MB log snapshot', [JSON.stringify(big)], 2000);

// Heap: what one diagnosis of the 12 MB snapshot allocates, and what stays after GC.
const bigParsed: unknown = JSON.parse(JSON.stringify(big));
gc();
const before = process.memoryUsage().heapUsed;
const report = diagnose(bigParsed);
const during = process.memoryUsage().heapUsed;
gc();
const after = process.memoryUsage().heapUsed;
console.log(`heap used: ${mib(after)} after GC; one 12 MB diagnosis allocates ~${mib(Math.max(0, during - before))} and retains ${mib(Math.max(0, after - before))} (report: ${report.findings.length} findings); rss ${mib(process.memoryUsage().rss)}`);
