// A crashing pod on the bench's kwok cluster, made by the e2e scenarios (test/cluster/scenarios).
import type { BenchEnv } from './env.ts';

export interface CrashingPod {
  namespace: string;
  pod: string;
  container: string;
  remove(): Promise<void>;
}

/** The e2e harness reads the cluster from CRASHLOOP_CLUSTER_JSON outside vitest. */
export async function clusterHarness(env: BenchEnv) {
  if (env.cluster === undefined) throw new Error('this section needs the kwok cluster');
  process.env.CRASHLOOP_CLUSTER_JSON = JSON.stringify(env.cluster);
  return import('../../test/cluster/harness.ts');
}

export async function crashingPod(env: BenchEnv, name = 'missing-module'): Promise<CrashingPod> {
  const h = await clusterHarness(env);
  const namespace = await h.newNamespace('bench');
  const s = await h.applyScenario(name, namespace);
  await h.waitForScenario(namespace, s);
  return { namespace, pod: s.pod, container: s.container, remove: () => h.deleteNamespace(namespace) };
}
