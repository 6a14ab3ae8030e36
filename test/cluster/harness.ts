// Helpers for end-to-end tests against the kwok cluster that test/e2e/global-setup.ts brings up.
// See test/cluster/README.md for the contract.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { V1Pod } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { CLUSTER_DIR, waitUntil, type ClusterInfo } from './cluster.ts';
import { scenario, type Scenario } from './scenarios.ts';

export { SCENARIOS, scenario, type Scenario } from './scenarios.ts';
export { SIM, SIM_LABEL, ANNOTATIONS } from './stages.ts';
export type { ClusterInfo } from './cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    crashloopCluster: ClusterInfo;
  }
}

/** The running cluster: from vitest's inject (global setup), else from CRASHLOOP_CLUSTER_JSON. */
export function cluster(): ClusterInfo {
  const fromEnv = process.env['CRASHLOOP_CLUSTER_JSON'];
  if (fromEnv) return JSON.parse(fromEnv) as ClusterInfo;
  const info = inject('crashloopCluster');
  if (!info) throw new Error('no e2e cluster: run through `npm run test:e2e` (vitest project "e2e")');
  return info;
}

/** Environment for a child process that should talk to the cluster (KUBECONFIG, PATH with kubectl). */
export function clusterEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const c = cluster();
  return { ...process.env, KUBECONFIG: c.kubeconfig, PATH: `${c.binDir}:${process.env['PATH'] ?? ''}`, ...extra };
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (use with `-f -`). */
  input?: string;
  timeoutMs?: number;
}

export class KubectlError extends Error {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  constructor(args: string[], stdout: string, stderr: string, code: number | null) {
    super(`kubectl ${args.join(' ')} exited ${code}: ${stderr.trim() || stdout.trim()}`);
    this.name = 'KubectlError';
    this.stdout = stdout;
    this.stderr = stderr;
    this.code = code;
  }
}

/** Runs the built kubectl with the cluster's temporary kubeconfig; resolves stdout, rejects KubectlError. */
export function kubectl(args: string[], opts: KubectlOptions = {}): Promise<string> {
  const c = cluster();
  return new Promise((resolve, reject) => {
    const child = execFile(
      join(c.binDir, 'kubectl'),
      ['--kubeconfig', c.kubeconfig, ...args],
      { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 32 * 1024 * 1024, env: clusterEnv() },
      (err, stdout, stderr) => {
        if (err) {
          const code = typeof err.code === 'number' ? err.code : null;
          reject(new KubectlError(args, stdout, stderr, code));
        } else resolve(stdout);
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** `kubectl … -o json`, parsed. */
export async function kubectlJson<T>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, '-o', 'json'])) as T;
}

/** Polls `fn` until it returns something other than undefined/null/false, or throws after the timeout. */
export function waitFor<T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  opts: { timeoutMs?: number; what?: string } = {}): Promise<T> {
  return waitUntil(opts.what ?? 'condition', async () => fn(), opts.timeoutMs ?? 60_000);
}

/** Creates a namespace with a unique name and waits for its default ServiceAccount. */
export async function newNamespace(prefix = 'e2e'): Promise<string> {
  const ns = `${prefix}-${randomBytes(4).toString('hex')}`;
  await kubectl(['create', 'namespace', ns]);
  await waitFor(() => kubectl(['-n', ns, 'get', 'serviceaccount', 'default', '-o', 'name']).catch(() => undefined),
    { what: `ServiceAccount default in ${ns}` });
  return ns;
}

/** Deletes a namespace without waiting for it to go. */
export async function deleteNamespace(ns: string): Promise<void> {
  await kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
}

export async function getPod(namespace: string, name: string): Promise<V1Pod> {
  return kubectlJson<V1Pod>(['-n', namespace, 'get', 'pod', name]);
}

/**
 * Applies scenario `name` into `namespace`: a kwok `Logs` object pointing at the scenario's log files
 * (so `kubectl logs [--previous]` works), then every manifest in the scenario directory.
 */
export async function applyScenario(name: string, namespace: string): Promise<Scenario> {
  const s = scenario(name);
  const dir = join(CLUSTER_DIR, 'scenarios', s.name);
  const logsDir = join(dir, 'logs');
  if (existsSync(logsDir)) {
    const files = (await readdir(logsDir)).filter((f) => f.endsWith('.log') && !f.endsWith('.previous.log'));
    const logs = files.map((f) => {
      const container = f.slice(0, -'.log'.length);
      const previous = join(logsDir, `${container}.previous.log`);
      return {
        containers: [container],
        logsFile: join(logsDir, f),
        previousLogsFile: existsSync(previous) ? previous : join(logsDir, f),
      };
    });
    const manifest = stringify({
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'Logs',
      metadata: { name: s.pod, namespace },
      spec: { logs },
    });
    await kubectl(['apply', '-f', '-'], { input: manifest });
  }
  const manifests = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  for (const m of manifests) await kubectl(['-n', namespace, 'apply', '-f', join(dir, m)]);
  return s;
}

/** The status entry of the scenario's failing container. */
export function failingStatus(pod: V1Pod, s: Pick<Scenario, 'container' | 'containerType'>) {
  const list = s.containerType === 'init' ? pod.status?.initContainerStatuses : pod.status?.containerStatuses;
  return list?.find((c) => c.name === s.container);
}

/**
 * Waits until the scenario has settled the way a person would find it: for crash loops, waiting in
 * CrashLoopBackOff with at least `minRestarts` restarts; otherwise in its steady waiting reason.
 */
export async function waitForScenario(namespace: string, s: Scenario, opts: { minRestarts?: number; timeoutMs?: number } = {}): Promise<V1Pod> {
  const minRestarts = opts.minRestarts ?? 2;
  return waitFor(async () => {
    const pod = await getPod(namespace, s.pod);
    const st = failingStatus(pod, s);
    const reason = st?.state?.waiting?.reason;
    if (s.restarts) return reason === 'CrashLoopBackOff' && (st?.restartCount ?? 0) >= minRestarts ? pod : undefined;
    return reason === s.settledStatus[0] ? pod : undefined;
  }, { what: `scenario ${s.name} to settle in ${namespace}`, timeoutMs: opts.timeoutMs ?? 90_000 });
}
