// The only code that talks to Kubernetes: a ClusterGateway over @kubernetes/client-node.
// Every call gets the caller's AbortSignal combined with a per-call timeout, and every failure is
// mapped to a ClusterError (see errors.ts).
import { AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig, Observable, VersionApi } from './client-node.ts';
import type { ConfigurationOptions, ObservableMiddleware } from '@kubernetes/client-node';
import { ClusterError } from './types.ts';
import type { ClusterGateway, ListOptions, LogOptions, Workload, WorkloadKind } from './types.ts';
import { toClusterError } from './errors.ts';
import { hasControlCharacter, nameProblem, type NameKind } from './names.ts';

export interface KubeGatewayOptions {
  /** Kube context to use instead of the current one. */
  context?: string;
  /** Path to a kubeconfig file; default: KUBECONFIG, then ~/.kube/config. */
  kubeconfig?: string;
  /** Kubeconfig as YAML text (tests, secrets mounted as env). */
  kubeconfigText?: string;
  /** Per-call timeout in milliseconds (default 10 s). */
  timeoutMs?: number;
  /** Name reported for the cluster; default CLUSTER_NAME, then the context name. */
  clusterName?: string;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

type NameCheck = [NameKind | 'selector', string | undefined];

/** Selectors are built from validated names and workload specs; this bounds what a bug could send. */
export const MAX_SELECTOR_LENGTH = 2048;
function selectorProblem(selector: string): string | undefined {
  if (selector.length > MAX_SELECTOR_LENGTH) return `A selector of ${selector.length} characters is longer than any valid one (${MAX_SELECTOR_LENGTH}).`;
  if (hasControlCharacter(selector)) return 'A selector holds control characters.';
  return undefined;
}

/**
 * Where and what is wrong with a kubeconfig, without any of its content: YAML errors give their reason
 * and position only; file-system errors their code and path; anything else just its kind.
 */
export function kubeconfigProblem(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'it could not be read';
  const e = err as { reason?: unknown; mark?: { line?: unknown; column?: unknown }; code?: unknown; path?: unknown; name?: unknown };
  if (typeof e.reason === 'string' && typeof e.mark?.line === 'number' && typeof e.mark.column === 'number') {
    return `it is not valid YAML (${e.reason.slice(0, 80)} at line ${e.mark.line + 1}, column ${e.mark.column + 1})`;
  }
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return `${e.code}${typeof e.path === 'string' ? ` on ${e.path}` : ''}`;
  if (e.name === 'SyntaxError') return 'it is not valid YAML or JSON';
  return `it could not be parsed (${typeof e.name === 'string' ? e.name.slice(0, 40) : 'error'})`;
}

/** Loads credentials: in-cluster when running in a pod without an explicit kubeconfig, else the kubeconfig. */
export function loadKubeConfig(options: KubeGatewayOptions = {}): KubeConfig {
  const env = options.env ?? process.env;
  const kc = new KubeConfig();
  const explicit = options.kubeconfigText !== undefined || options.kubeconfig !== undefined || options.context !== undefined || env.KUBECONFIG;
  try {
    if (options.kubeconfigText !== undefined) kc.loadFromString(options.kubeconfigText);
    else if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
    else if (env.KUBERNETES_SERVICE_HOST && !explicit) kc.loadFromCluster();
    else kc.loadFromDefault();
  } catch (err) {
    // Not the parser's message: it quotes the offending lines, which can hold a token or a key.
    throw new ClusterError('UNAVAILABLE', `Cannot load the kubeconfig: ${kubeconfigProblem(err)}. Set KUBECONFIG to a valid file or pass --context.`);
  }
  if (options.context !== undefined) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(options.context)) {
      const known = names.length > 0 ? ` Known contexts: ${names.join(', ')}.` : '';
      throw new ClusterError('UNAVAILABLE', `Kube context "${options.context}" is not in the kubeconfig.${known}`);
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new ClusterError('UNAVAILABLE', 'No cluster configured: no kubeconfig found and not running in a pod. Set KUBECONFIG or run `kubectl config use-context <name>`.');
  }
  return kc;
}

/** client-node's names for a context it made up: loadFromCluster's, and the no-kubeconfig fallback's. */
const SYNTHETIC_CONTEXTS = new Set(['inClusterContext', 'loaded-context']);

/** The cluster's name in reports: CLUSTER_NAME (or the caller's name), then the kube context's, then "in-cluster". */
export function clusterNameOf(kc: KubeConfig, explicit?: string): string {
  if (explicit !== undefined && explicit.trim() !== '') return explicit.trim();
  const context = kc.getCurrentContext();
  return context === undefined || context === '' || SYNTHETIC_CONTEXTS.has(context) ? 'in-cluster' : context;
}

function signalMiddleware(signal: AbortSignal): ObservableMiddleware {
  return {
    pre: (request) => {
      request.setSignal(signal);
      return new Observable(Promise.resolve(request));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
}

export function labelSelectorOf(workload: Workload): string | undefined {
  const labels = workload.spec?.selector?.matchLabels;
  if (!labels) return undefined;
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

export class KubeGateway implements ClusterGateway {
  readonly cluster: string;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly batch: BatchV1Api;
  private readonly version: VersionApi;
  private readonly timeoutMs: number;

  constructor(kc: KubeConfig, options: { timeoutMs?: number; clusterName?: string } = {}) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.batch = kc.makeApiClient(BatchV1Api);
    this.version = kc.makeApiClient(VersionApi);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.cluster = clusterNameOf(kc, options.clusterName);
  }

  /**
   * Runs one API call with the caller's signal plus the per-call timeout, mapping failures. The names
   * and selectors it will carry are checked first: nothing invalid reaches the API server (BAD_REQUEST,
   * not retried).
   */
  private async call<T>(what: string, signal: AbortSignal | undefined, run: (options: ConfigurationOptions) => Promise<T>, names: NameCheck[] = []): Promise<T> {
    for (const [kind, value] of names) {
      if (value === undefined) continue;
      const problem = kind === 'selector' ? selectorProblem(value) : nameProblem(kind, value);
      if (problem !== undefined) throw new ClusterError('BAD_REQUEST', problem);
    }
    if (signal?.aborted) throw toClusterError(signal.reason, { what, cluster: this.cluster, aborted: true });
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      return await run({ middleware: [signalMiddleware(combined)], middlewareMergeStrategy: 'append' });
    } catch (err) {
      throw toClusterError(err, { what, cluster: this.cluster, aborted: signal?.aborted === true, timeoutMs: this.timeoutMs });
    }
  }

  async ping(signal?: AbortSignal): Promise<void> {
    await this.call('the API server version', signal, (o) => this.version.getCode(o));
  }

  getPod(namespace: string, name: string, signal?: AbortSignal) {
    return this.call(`pod ${namespace}/${name}`, signal, (o) => this.core.readNamespacedPod({ name, namespace }, o), [['namespace', namespace], ['object', name]]);
  }

  async listPods(namespace: string | undefined, options: ListOptions = {}, signal?: AbortSignal) {
    const what = namespace ? `pods in namespace ${namespace}` : 'pods in all namespaces';
    const list = await this.call(what, signal, (o) =>
      namespace ? this.core.listNamespacedPod({ namespace, ...options }, o) : this.core.listPodForAllNamespaces({ ...options }, o),
      [['namespace', namespace], ['selector', options.fieldSelector], ['selector', options.labelSelector]],
    );
    return list.items;
  }

  async listEvents(namespace: string, involvedObjectName: string, signal?: AbortSignal) {
    const fieldSelector = `involvedObject.name=${involvedObjectName},involvedObject.namespace=${namespace}`;
    const list = await this.call(`events of ${namespace}/${involvedObjectName}`, signal, (o) => this.core.listNamespacedEvent({ namespace, fieldSelector }, o), [
      ['namespace', namespace],
      ['object', involvedObjectName],
    ]);
    return list.items;
  }

  readLogs(namespace: string, pod: string, container: string, options: LogOptions, signal?: AbortSignal) {
    const what = `${options.previous ? 'previous ' : ''}logs of container ${container} in pod ${namespace}/${pod}`;
    return this.call(what, signal, (o) =>
      this.core.readNamespacedPodLog(
        { name: pod, namespace, container, previous: options.previous, tailLines: options.tailLines, limitBytes: options.limitBytes },
        o,
      ),
      [['namespace', namespace], ['object', pod], ['container', container]],
    );
  }

  getWorkload(namespace: string, kind: WorkloadKind, name: string, signal?: AbortSignal): Promise<Workload> {
    const what = `${kind} ${namespace}/${name}`;
    const params = { name, namespace };
    const checks: NameCheck[] = [['namespace', namespace], ['object', name]];
    switch (kind) {
      case 'Deployment':
        return this.call(what, signal, (o) => this.apps.readNamespacedDeployment(params, o), checks);
      case 'StatefulSet':
        return this.call(what, signal, (o) => this.apps.readNamespacedStatefulSet(params, o), checks);
      case 'DaemonSet':
        return this.call(what, signal, (o) => this.apps.readNamespacedDaemonSet(params, o), checks);
      case 'ReplicaSet':
        return this.call(what, signal, (o) => this.apps.readNamespacedReplicaSet(params, o), checks);
      case 'Job':
        return this.call(what, signal, (o) => this.batch.readNamespacedJob(params, o), checks);
    }
  }

  async listWorkloads(namespace: string | undefined, kind: WorkloadKind, signal?: AbortSignal): Promise<Workload[]> {
    const what = `${kind}s in ${namespace ? `namespace ${namespace}` : 'all namespaces'}`;
    const items = await this.call(what, signal, async (o): Promise<Workload[]> => {
      switch (kind) {
        case 'Deployment':
          return (namespace ? await this.apps.listNamespacedDeployment({ namespace }, o) : await this.apps.listDeploymentForAllNamespaces({}, o)).items;
        case 'StatefulSet':
          return (namespace ? await this.apps.listNamespacedStatefulSet({ namespace }, o) : await this.apps.listStatefulSetForAllNamespaces({}, o)).items;
        case 'DaemonSet':
          return (namespace ? await this.apps.listNamespacedDaemonSet({ namespace }, o) : await this.apps.listDaemonSetForAllNamespaces({}, o)).items;
        case 'ReplicaSet':
          return (namespace ? await this.apps.listNamespacedReplicaSet({ namespace }, o) : await this.apps.listReplicaSetForAllNamespaces({}, o)).items;
        case 'Job':
          return (namespace ? await this.batch.listNamespacedJob({ namespace }, o) : await this.batch.listJobForAllNamespaces({}, o)).items;
      }
    }, [['namespace', namespace]]);
    return items;
  }

  async listReplicaSets(namespace: string, options: ListOptions = {}, signal?: AbortSignal) {
    const list = await this.call(`ReplicaSets in namespace ${namespace}`, signal, (o) => this.apps.listNamespacedReplicaSet({ namespace, ...options }, o), [
      ['namespace', namespace],
      ['selector', options.labelSelector],
      ['selector', options.fieldSelector],
    ]);
    return list.items;
  }

  async listControllerRevisions(namespace: string, options: ListOptions = {}, signal?: AbortSignal) {
    const list = await this.call(`ControllerRevisions in namespace ${namespace}`, signal, (o) =>
      this.apps.listNamespacedControllerRevision({ namespace, ...options }, o),
      [['namespace', namespace], ['selector', options.labelSelector], ['selector', options.fieldSelector]],
    );
    return list.items;
  }

  getNode(name: string, signal?: AbortSignal) {
    return this.call(`node ${name}`, signal, (o) => this.core.readNode({ name }, o), [['object', name]]);
  }
}

/** Builds a gateway from the kubeconfig (or in-cluster credentials). Throws ClusterError when none can be loaded. */
export function createKubeGateway(options: KubeGatewayOptions = {}): KubeGateway {
  const env = options.env ?? process.env;
  const kc = loadKubeConfig(options);
  return new KubeGateway(kc, { timeoutMs: options.timeoutMs, clusterName: options.clusterName ?? env.CLUSTER_NAME });
}
