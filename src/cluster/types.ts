// The seam between the bot and Kubernetes. Everything that talks to a cluster goes through a
// ClusterGateway; capture, the Slack workers and the actions depend on these types only.
import type {
  CoreV1Event,
  V1ControllerRevision,
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1Node,
  V1Pod,
  V1ReplicaSet,
  V1StatefulSet,
} from '@kubernetes/client-node';
import type { Snapshot } from '../../diagnostics/types.ts';

export type ClusterErrorCode = 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHORIZED' | 'TIMEOUT' | 'UNAVAILABLE' | 'BAD_REQUEST' | 'CONFLICT';

/** A typed failure from the cluster. Retries are steered by `code`: TIMEOUT and UNAVAILABLE are retried. */
export class ClusterError extends Error {
  readonly code: ClusterErrorCode;
  readonly status: number | undefined;
  constructor(code: ClusterErrorCode, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ClusterError';
    this.code = code;
    this.status = options?.status;
  }

  get retryable(): boolean {
    return this.code === 'TIMEOUT' || this.code === 'UNAVAILABLE';
  }
}

export interface LogOptions {
  previous: boolean;
  tailLines?: number;
  limitBytes?: number;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job';
export type Workload = V1Deployment | V1StatefulSet | V1DaemonSet | V1ReplicaSet | V1Job;

/** Read access to one cluster. Every call takes an AbortSignal and throws ClusterError on failure. */
export interface ClusterGateway {
  /** Name of the cluster (kube context or CLUSTER_NAME), for reports and routing. */
  readonly cluster: string;
  /** Cheap reachability check, for /readyz. */
  ping(signal?: AbortSignal): Promise<void>;
  getPod(namespace: string, name: string, signal?: AbortSignal): Promise<V1Pod>;
  /** namespace undefined = all namespaces. */
  listPods(namespace: string | undefined, options?: ListOptions, signal?: AbortSignal): Promise<V1Pod[]>;
  /** Events whose involvedObject is the named object. */
  listEvents(namespace: string, involvedObjectName: string, signal?: AbortSignal): Promise<CoreV1Event[]>;
  readLogs(namespace: string, pod: string, container: string, options: LogOptions, signal?: AbortSignal): Promise<string>;
  getWorkload(namespace: string, kind: WorkloadKind, name: string, signal?: AbortSignal): Promise<Workload>;
  listWorkloads(namespace: string | undefined, kind: WorkloadKind, signal?: AbortSignal): Promise<Workload[]>;
  listReplicaSets(namespace: string, options?: ListOptions, signal?: AbortSignal): Promise<V1ReplicaSet[]>;
  listControllerRevisions(namespace: string, options?: ListOptions, signal?: AbortSignal): Promise<V1ControllerRevision[]>;
  getNode(name: string, signal?: AbortSignal): Promise<V1Node>;
}

/** What a user or an alert pointed at, before resolution. */
export interface TargetQuery {
  /** As typed: "ns/pod", "pod", "deployment-name", "prefix", or "deploy/name". */
  text: string;
  namespace?: string;
  /** Namespace globs the caller may look at; undefined = all. */
  allowedNamespaces?: string[];
  /** The requester's read right per namespace (the actions policy); pods elsewhere are not looked at or named. */
  mayRead?: (namespace: string) => boolean;
}

export type ResolveResult =
  | { kind: 'pod'; namespace: string; name: string; via?: { kind: WorkloadKind; name: string } }
  | { kind: 'ambiguous'; candidates: { namespace: string; name: string; reason: string }[] }
  | { kind: 'not-found'; suggestions: string[]; message: string };

export interface CaptureOptions {
  signal?: AbortSignal;
  /** Injected clock for capturedAt. */
  now?: () => Date;
  tailLines?: number;
  limitBytes?: number;
}

/** Signature of the capture function implemented in src/cluster/capture-snapshot.ts. */
export type CaptureSnapshot = (gateway: ClusterGateway, namespace: string, pod: string, options?: CaptureOptions) => Promise<Snapshot>;
