// In-process diagnosis (resolve + capture + engine, warm) against the raw API time of the same reads:
// the reads one diagnosis made are recorded, then replayed through the same client with the same
// concurrency (calls that overlapped run together, the rest one after another). The ratio is what the
// bot adds on top of waiting for the API server.
import { performance } from 'node:perf_hooks';
import { diagnose } from '../diagnostics/index.ts';
import { captureSnapshot } from '../src/cluster/capture-snapshot.ts';
import { createKubeGateway } from '../src/cluster/kube-gateway.ts';
import { resolveTarget } from '../src/cluster/resolve-target.ts';
import type { ClusterGateway } from '../src/cluster/types.ts';
import type { BenchEnv } from './lib/env.ts';
import { crashingPod } from './lib/scenario.ts';
import { interleaved, load, round, roundSummary, summarize } from './lib/stats.ts';

interface Call {
  method: keyof ClusterGateway;
  args: unknown[];
  t0: number;
  t1: number;
}

/** The gateway, with every call it answers recorded (method, arguments, start and end). */
function recording(gateway: ClusterGateway, calls: Call[]): ClusterGateway {
  return new Proxy(gateway, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const call: Call = { method: prop as keyof ClusterGateway, args, t0: performance.now(), t1: 0 };
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          call.t1 = performance.now();
          calls.push(call);
        }
      };
    },
  });
}

/** Groups calls that overlapped in time: each group ran concurrently, the groups one after another. */
function waves(calls: Call[]): Call[][] {
  const sorted = [...calls].sort((a, b) => a.t0 - b.t0);
  const out: Call[][] = [];
  let end = -Infinity;
  for (const c of sorted) {
    if (c.t0 >= end || out.length === 0) out.push([c]);
    else out.at(-1)?.push(c);
    end = Math.max(c.t0 >= end ? c.t1 : end, c.t1);
  }
  return out;
}

export async function bench(env: BenchEnv, quick: boolean) {
  const target = await crashingPod(env);
  try {
    const gateway = createKubeGateway({ kubeconfig: env.kubeconfig, env: {} });
    let calls: Call[] = [];
    const diagnosis = async () => {
      calls = [];
      const g = recording(gateway, calls);
      const resolved = await resolveTarget(g, { text: `${target.namespace}/${target.pod}` });
      if (resolved.kind !== 'pod') throw new Error(`bench pod not found: ${JSON.stringify(resolved)}`);
      diagnose(await captureSnapshot(g, resolved.namespace, resolved.name));
    };
    await diagnosis();
    const replayed = calls;
    const raw = async () => {
      for (const wave of waves(replayed)) {
        await Promise.all(wave.map((c) => (gateway[c.method] as (...a: unknown[]) => Promise<unknown>).apply(gateway, c.args).catch(() => undefined)));
      }
    };
    const runs = quick ? 5 : 30;
    const samples = await interleaved({ diagnosis, raw }, runs, 3);
    const d = roundSummary(summarize(samples.diagnosis));
    const r = roundSummary(summarize(samples.raw));
    return {
      figures: { diagnoseOverheadRatio: round(d.median / r.median, 2) },
      details: { load: load(), runs, reads: replayed.map((c) => c.method), waves: waves(replayed).length, inProcessDiagnosisMs: d, rawReadsMs: r },
    };
  } finally {
    await target.remove();
  }
}
