// One `crashloop diagnose ns/pod` process against the routine it replaces, three kubectl processes:
// `describe pod` -> `logs --previous` -> `get events`. Interleaved on the same crashing pod.
import { join } from 'node:path';
import type { BenchEnv } from './lib/env.ts';
import { crashloop, timed } from './lib/proc.ts';
import { crashingPod } from './lib/scenario.ts';
import { interleaved, load, round, roundSummary, summarize } from './lib/stats.ts';

export async function bench(env: BenchEnv, quick: boolean) {
  const target = await crashingPod(env);
  try {
    const kubectl = join(env.cluster?.binDir ?? '', 'kubectl');
    const childEnv = { PATH: process.env.PATH, HOME: process.env.HOME, KUBECONFIG: env.kubeconfig, NO_COLOR: '1' };
    const { namespace: ns, pod, container } = target;
    const run = async (args: string[]) => {
      const r = await timed(kubectl, args, childEnv);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(0, 300)}`);
    };
    const runs = quick ? 3 : 15;
    const samples = await interleaved(
      {
        kubectlRoutine: async () => {
          await run(['describe', 'pod', pod, '-n', ns]);
          await run(['logs', pod, '-n', ns, '-c', container, '--previous']);
          await run(['get', 'events', '-n', ns]);
        },
        crashloopDiagnose: () => crashloop(['diagnose', `${ns}/${pod}`], childEnv),
      },
      runs,
    );
    const routine = roundSummary(summarize(samples.kubectlRoutine));
    const diagnose = roundSummary(summarize(samples.crashloopDiagnose));
    return {
      figures: { diagnoseVsKubectlRatio: round(diagnose.median / routine.median, 2) },
      details: { load: load(), runs, pod: `${ns}/${pod}`, kubectlRoutineMs: routine, crashloopDiagnoseMs: diagnose },
    };
  } finally {
    await target.remove();
  }
}
