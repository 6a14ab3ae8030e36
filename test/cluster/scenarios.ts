// The crash scenarios under test/cluster/scenarios/<name>/: pod.yaml (plus any other manifests) and
// logs/<container>.log in CRI format (optionally logs/<container>.previous.log). What each one shows,
// so tests on top of the harness can assert against it.

export interface Scenario {
  /** Directory name under test/cluster/scenarios/. */
  name: string;
  /** Name of the Pod the scenario creates. */
  pod: string;
  /** The container that fails. */
  container: string;
  containerType: 'main' | 'init';
  /** What `kubectl get pod` shows in STATUS once the scenario has settled. */
  settledStatus: string[];
  /** Whether restartCount climbs (a crash loop) or the container never starts. */
  restarts: boolean;
  /** The cause id the diagnosis should report first (shared/cause-taxonomy.md). */
  expectedCause: string;
  /** A line of the previous container's log, when it has one. */
  logLine?: string;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'oom-killed',
    pod: 'api-oom',
    container: 'api',
    containerType: 'main',
    settledStatus: ['CrashLoopBackOff', 'OOMKilled', 'Running'],
    restarts: true,
    expectedCause: 'oom-killed',
    logLine: '{"level":"info","msg":"building search index"}',
  },
  {
    name: 'missing-module',
    pod: 'web-missing-module',
    container: 'web',
    containerType: 'main',
    settledStatus: ['CrashLoopBackOff', 'Error', 'Running'],
    restarts: true,
    expectedCause: 'missing-dependency',
    logLine: "Error: Cannot find module 'express'",
  },
  {
    name: 'liveness-probe',
    pod: 'worker-liveness',
    container: 'worker',
    containerType: 'main',
    settledStatus: ['CrashLoopBackOff', 'Error', 'Running'],
    restarts: true,
    expectedCause: 'liveness-probe-failed',
    logLine: 'still processing batch 7731',
  },
  {
    name: 'missing-secret',
    pod: 'api-missing-secret',
    container: 'api',
    containerType: 'main',
    settledStatus: ['CreateContainerConfigError'],
    restarts: false,
    expectedCause: 'config-ref-missing',
  },
  {
    name: 'image-pull',
    pod: 'api-bad-image',
    container: 'api',
    containerType: 'main',
    settledStatus: ['ImagePullBackOff'],
    restarts: false,
    expectedCause: 'image-pull-failure',
  },
  {
    name: 'init-crash',
    pod: 'app-init-crash',
    container: 'migrate',
    containerType: 'init',
    settledStatus: ['Init:CrashLoopBackOff', 'Init:Error', 'Init:0/1'],
    restarts: true,
    expectedCause: 'dependency-unreachable',
    logLine: 'psql: error: connection to server at "postgres.shop.svc.cluster.local" (10.96.14.2), port 5432 failed: Connection refused',
  },
  {
    name: 'exit-zero',
    pod: 'sync-exit-zero',
    container: 'sync',
    containerType: 'main',
    settledStatus: ['CrashLoopBackOff', 'Completed', 'Running'],
    restarts: true,
    expectedCause: 'exited-zero',
    logLine: 'sync complete, exiting',
  },
  {
    name: 'no-logs',
    pod: 'silent-crash',
    container: 'app',
    containerType: 'main',
    settledStatus: ['CrashLoopBackOff', 'Error', 'Running'],
    restarts: true,
    expectedCause: 'unknown',
  },
];

export function scenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`unknown scenario "${name}"; known: ${SCENARIOS.map((x) => x.name).join(', ')}`);
  return s;
}
