// The only code that reads Kubernetes: a ClusterGateway over client-node's KubeConfig (credentials, TLS,
// exec and OIDC logins) and raw JSON GETs (./actions/kube-rest.ts, shared with the write side). The typed
// API classes are not used: with them comes the generated client (~900 models and every API group), whose
// loading was most of a `crashloop diagnose` (docs/benchmarks.md). Every call gets the caller's
// AbortSignal combined with a per-call timeout, and every failure is mapped to a ClusterError (errors.ts).
import { KubeConfig } from './client-node.ts';
import type { CoreV1Event, V1ControllerRevision, V1Node, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { ClusterError } from './types.ts';
import type { ClusterGateway, ListOptions, LogOptions, Workload, WorkloadKind } from './types.ts';
import { KubeRest } from './actions/kube-rest.ts';
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

export function labelSelectorOf(workload: Workload): string | undefined {
  const labels = workload.spec?.selector?.matchLabels;
  if (!labels) return undefined;
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

/** Where each kind of workload lives in the API. */
const WORKLOAD_PATHS: Record<WorkloadKind, { group: string; plural: string }> = {
  Deployment: { group: '/apis/apps/v1', plural: 'deployments' },
  StatefulSet: { group: '/apis/apps/v1', plural: 'statefulsets' },
  DaemonSet: { group: '/apis/apps/v1', plural: 'daemonsets' },
  ReplicaSet: { group: '/apis/apps/v1', plural: 'replicasets' },
  Job: { group: '/apis/batch/v1', plural: 'jobs' },
};

const seg = encodeURIComponent;

/** `<group>/namespaces/<ns>/<plural>` or, without a namespace, `<group>/<plural>` (all namespaces). */
function collection(group: string, plural: string, namespace: string | undefined): string {
  return namespace === undefined || namespace === '' ? `${group}/${plural}` : `${group}/namespaces/${seg(namespace)}/${plural}`;
}

export class KubeGateway implements ClusterGateway {
  readonly cluster: string;
  private readonly rest: KubeRest;
  private readonly timeoutMs: number;

  constructor(kc: KubeConfig, options: { timeoutMs?: number; clusterName?: string } = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.cluster = clusterNameOf(kc, options.clusterName);
    this.rest = new KubeRest(kc, { cluster: this.cluster, timeoutMs: this.timeoutMs });
  }

  /**
   * One GET with the caller's signal plus the per-call timeout, failures mapped by KubeRest. The names and
   * selectors it will carry are checked first: nothing invalid reaches the API server (BAD_REQUEST, not
   * retried).
   */
  private get<T>(what: string, path: string, signal: AbortSignal | undefined, names: NameCheck[] = [], query: Record<string, string | undefined> = {}): Promise<T> {
    return this.checked(names, () => this.rest.call({ method: 'GET', path, query, what, ...(signal === undefined ? {} : { signal }) }) as Promise<T>);
  }

  private async checked<T>(names: NameCheck[], run: () => Promise<T>): Promise<T> {
    for (const [kind, value] of names) {
      if (value === undefined) continue;
      const problem = kind === 'selector' ? selectorProblem(value) : nameProblem(kind, value);
      if (problem !== undefined) throw new ClusterError('BAD_REQUEST', problem);
    }
    return run();
  }

  private async list<T>(what: string, path: string, signal: AbortSignal | undefined, names: NameCheck[], options: ListOptions = {}): Promise<T[]> {
    const list = await this.get<{ items?: T[] } | null>(what, path, signal, [...names, ['selector', options.labelSelector], ['selector', options.fieldSelector]], {
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
    });
    return list?.items ?? [];
  }

  async ping(signal?: AbortSignal): Promise<void> {
    await this.get('the API server version', '/version', signal);
  }

  getPod(namespace: string, name: string, signal?: AbortSignal): Promise<V1Pod> {
    return this.get(`pod ${namespace}/${name}`, `/api/v1/namespaces/${seg(namespace)}/pods/${seg(name)}`, signal, [['namespace', namespace], ['object', name]]);
  }

  listPods(namespace: string | undefined, options: ListOptions = {}, signal?: AbortSignal): Promise<V1Pod[]> {
    const what = namespace ? `pods in namespace ${namespace}` : 'pods in all namespaces';
    return this.list(what, collection('/api/v1', 'pods', namespace), signal, [['namespace', namespace]], options);
  }

  listEvents(namespace: string, involvedObjectName: string, signal?: AbortSignal): Promise<CoreV1Event[]> {
    const fieldSelector = `involvedObject.name=${involvedObjectName},involvedObject.namespace=${namespace}`;
    return this.list(`events of ${namespace}/${involvedObjectName}`, collection('/api/v1', 'events', namespace), signal, [['namespace', namespace], ['object', involvedObjectName]], { fieldSelector });
  }

  readLogs(namespace: string, pod: string, container: string, options: LogOptions, signal?: AbortSignal): Promise<string> {
    const what = `${options.previous ? 'previous ' : ''}logs of container ${container} in pod ${namespace}/${pod}`;
    const query = {
      container,
      ...(options.previous ? { previous: 'true' } : {}),
      ...(options.tailLines === undefined ? {} : { tailLines: String(options.tailLines) }),
      ...(options.limitBytes === undefined ? {} : { limitBytes: String(options.limitBytes) }),
    };
    return this.checked([['namespace', namespace], ['object', pod], ['container', container]], () =>
      this.rest.callText({ method: 'GET', path: `/api/v1/namespaces/${seg(namespace)}/pods/${seg(pod)}/log`, query, what, ...(signal === undefined ? {} : { signal }) }),
    );
  }

  getWorkload(namespace: string, kind: WorkloadKind, name: string, signal?: AbortSignal): Promise<Workload> {
    const { group, plural } = WORKLOAD_PATHS[kind];
    return this.get(`${kind} ${namespace}/${name}`, `${collection(group, plural, namespace)}/${seg(name)}`, signal, [['namespace', namespace], ['object', name]]);
  }

  listWorkloads(namespace: string | undefined, kind: WorkloadKind, signal?: AbortSignal): Promise<Workload[]> {
    const { group, plural } = WORKLOAD_PATHS[kind];
    return this.list(`${kind}s in ${namespace ? `namespace ${namespace}` : 'all namespaces'}`, collection(group, plural, namespace), signal, [['namespace', namespace]]);
  }

  listReplicaSets(namespace: string, options: ListOptions = {}, signal?: AbortSignal): Promise<V1ReplicaSet[]> {
    return this.list(`ReplicaSets in namespace ${namespace}`, collection('/apis/apps/v1', 'replicasets', namespace), signal, [['namespace', namespace]], options);
  }

  listControllerRevisions(namespace: string, options: ListOptions = {}, signal?: AbortSignal): Promise<V1ControllerRevision[]> {
    return this.list(`ControllerRevisions in namespace ${namespace}`, collection('/apis/apps/v1', 'controllerrevisions', namespace), signal, [['namespace', namespace]], options);
  }

  getNode(name: string, signal?: AbortSignal): Promise<V1Node> {
    return this.get(`node ${name}`, `/api/v1/nodes/${seg(name)}`, signal, [['object', name]]);
  }
}

/** Builds a gateway from the kubeconfig (or in-cluster credentials). Throws ClusterError when none can be loaded. */
export function createKubeGateway(options: KubeGatewayOptions = {}): KubeGateway {
  const env = options.env ?? process.env;
  const kc = loadKubeConfig(options);
  return new KubeGateway(kc, { timeoutMs: options.timeoutMs, clusterName: options.clusterName ?? env.CLUSTER_NAME });
}
