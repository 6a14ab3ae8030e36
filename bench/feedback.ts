// `node bench/feedback.ts`: what keeping a report's snapshot for "Wrong diagnosis?" costs the worker —
// boundSnapshot (redact + cut to 256 KiB) on every corpus snapshot and on a 7 MB log — and how large
// the stored JSON is. Figures in ms, with the load average at the time (docs/feedback.md).
import { performance } from 'node:perf_hooks';
import type { Snapshot } from '../diagnostics/types.ts';
import { boundSnapshot } from '../src/feedback/bound.ts';
import { loadCorpus } from '../test/fixtures/corpus/load.ts';
import { crashingSnapshot } from '../test/support/pods.ts';
import { load, round, roundSummary, summarize } from './lib/stats.ts';

const snapshots = loadCorpus().map((c) => c.snapshot as unknown as Snapshot);
for (let i = 0; i < 3; i++) for (const s of snapshots) boundSnapshot(s);
const ms: number[] = [];
const bytes: number[] = [];
for (const s of snapshots) {
  const t = performance.now();
  const bounded = boundSnapshot(s);
  ms.push(performance.now() - t);
  bytes.push(Buffer.byteLength(bounded?.json ?? ''));
}
const bigLog = Array.from({ length: 100_000 }, (_, i) => `info: line ${i} password=x${i} ${'y'.repeat(40)}`).join('\n');
const big = crashingSnapshot({ namespace: 'bench', name: 'big-log', previousLog: bigLog });
const bigMs: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  boundSnapshot(big);
  bigMs.push(performance.now() - t);
}
process.stdout.write(
  `${JSON.stringify(
    {
      load: load(),
      corpus: { snapshots: snapshots.length, ms: roundSummary(summarize(ms), 3), storedBytes: summarize(bytes) },
      bigLog: { logBytes: bigLog.length, medianMs: round(summarize(bigMs).median, 1) },
    },
    null,
    2,
  )}\n`,
);
