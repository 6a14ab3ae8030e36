// Brings the kwok control plane up once for the whole e2e project and tears it down afterwards, even
// when tests fail. Tests reach it through test/cluster/harness.ts (inject('crashloopCluster')); child
// processes also see KUBECONFIG, CRASHLOOP_KUBECONFIG and CRASHLOOP_BIN_DIR (set before workers start).
import type { TestProject } from 'vitest/node';
import { startCluster, stopCluster, type ClusterInfo } from '../cluster/cluster.ts';
import '../cluster/harness.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const info: ClusterInfo = await startCluster();
  process.stderr.write(`e2e: cluster ${info.name} up in ${Date.now() - started} ms (kubeconfig ${info.kubeconfig})\n`);
  project.provide('crashloopCluster', info);
  process.env['KUBECONFIG'] = info.kubeconfig;
  process.env['CRASHLOOP_KUBECONFIG'] = info.kubeconfig;
  process.env['CRASHLOOP_BIN_DIR'] = info.binDir;
  let stopped = false;
  const teardown = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopCluster(info);
    process.stderr.write(`e2e: cluster ${info.name} deleted\n`);
  };
  // vitest runs the returned teardown after the run, failed or not; a signal skips it, so cover that too.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      void teardown().finally(() => process.exit(130));
    });
  }
  return teardown;
}
