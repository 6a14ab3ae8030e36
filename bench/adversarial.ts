// Redaction and the engine on 1 MiB of adversarial input (the shapes that made the old regexes
// quadratic: long hex, spaces, "a=a=…", open quotes, nested URLs…), called by bench/engine.ts's
// adversarialBench. Each figure is the median of 3 runs in ms, on the machine's load at the time.
import { performance } from 'node:perf_hooks';
import { diagnose } from '../diagnostics/index.ts';
import { redactText } from '../diagnostics/redact.ts';
import { buildSnapshot } from '../test/fixtures/diagnostics/build.ts';
import { ADVERSARIAL_SHAPES, adversarial } from '../test/support/adversarial.ts';
import { load, round } from './lib/stats.ts';

const SIZE = 1 << 20;

function median3(run: () => void): number {
  const ms: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    run();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return round(ms[1] ?? Number.NaN, 1);
}

export function adversarialBench(): { bytes: number; load: number; redactMaxMs: number; diagnoseMaxMs: number; redactMs: Record<string, number>; diagnoseMs: Record<string, number> } {
  const redactMs: Record<string, number> = {};
  const diagnoseMs: Record<string, number> = {};
  for (const name of Object.keys(ADVERSARIAL_SHAPES)) {
    const text = adversarial(name, SIZE);
    redactMs[name] = median3(() => redactText(text));
    const snapshot = JSON.stringify(buildSnapshot({ name: 'adversarial', cause: 'app-error', container: 'app', containers: [{ name: 'app', last: { exitCode: 1, message: text.slice(0, 4096) } }], events: [{ reason: 'BackOff', message: text.slice(0, 20_000), container: 'app' }], logs: { app: text } }));
    // A fresh parse per run (not timed), as the CLI does.
    diagnoseMs[name] = median3(() => diagnose(JSON.parse(snapshot) as never));
  }
  return { bytes: SIZE, load: load(), redactMaxMs: Math.max(...Object.values(redactMs)), diagnoseMaxMs: Math.max(...Object.values(diagnoseMs)), redactMs, diagnoseMs };
}
