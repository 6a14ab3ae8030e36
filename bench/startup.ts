// Start-up: `crashloop --version` (Node plus the launcher and the CLI's own modules), a snapshot file
// diagnosed (adds the engine), and bare `node -e 0` for the floor, interleaved.
import { crashloop, timed } from './lib/proc.ts';
import { interleaved, load, roundSummary, summarize, type Summary } from './lib/stats.ts';

export interface StartupFigures {
  startupMs: number;
  load: number;
  runs: number;
  nodeBare: Summary;
  version: Summary;
  diagnoseSnapshot: Summary;
}

export async function startupBench(runs: number): Promise<StartupFigures> {
  const samples = await interleaved(
    {
      nodeBare: () => timed(process.execPath, ['-e', '0']),
      version: () => crashloop(['--version']),
      diagnoseSnapshot: () => crashloop(['diagnose', '--snapshot', 'examples/oom-killed.json', '-o', 'json']),
    },
    runs,
  );
  const version = roundSummary(summarize(samples.version));
  return {
    startupMs: version.median,
    load: load(),
    runs,
    nodeBare: roundSummary(summarize(samples.nodeBare)),
    version,
    diagnoseSnapshot: roundSummary(summarize(samples.diagnoseSnapshot)),
  };
}
