// Write-side access to one cluster: the workloads, histories and pods the report actions touch, as raw
// JSON. Everything else stays on the read-only ClusterGateway.
import { loadKubeConfig, type KubeGatewayOptions } from '../kube-gateway.ts';
import { isObject, type Json, type JsonObject } from '../../actions/json.ts';
import { ClusterError } from '../types.ts';
import { KubeRest, type Impersonation, type PatchType } from './kube-rest.ts';
import type { ResourceAttributes } from '../../auth/kube-identity.ts';

export type WritableKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export interface WriteOptions {
  /** Server-side dry run (`dryRun=All`): validated and admitted, never persisted. */
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface AccessReview {
  allowed: boolean;
  reason: string;
}

export interface ClusterWriter {
  readonly cluster: string;
  /** The same writer acting as `who` (every call impersonates them). */
  impersonate(who: Impersonation): ClusterWriter;
  /** SubjectAccessReview: may `who` do this? */
  reviewAccess(who: Impersonation, attributes: ResourceAttributes, signal?: AbortSignal): Promise<AccessReview>;
  getWorkload(namespace: string, kind: WritableKind, name: string, signal?: AbortSignal): Promise<JsonObject>;
  listReplicaSets(namespace: string, signal?: AbortSignal): Promise<JsonObject[]>;
  listControllerRevisions(namespace: string, signal?: AbortSignal): Promise<JsonObject[]>;
  patchWorkload(namespace: string, kind: WritableKind, name: string, type: PatchType, body: Json, options?: WriteOptions): Promise<JsonObject>;
  getPod(namespace: string, name: string, signal?: AbortSignal): Promise<JsonObject>;
  listPods(namespace: string, labelSelector: string, signal?: AbortSignal): Promise<JsonObject[]>;
  createPod(namespace: string, pod: JsonObject, options?: WriteOptions): Promise<JsonObject>;
  deletePod(namespace: string, name: string, options?: WriteOptions): Promise<void>;
  /** Strategic-merge patch of pods/ephemeralcontainers (adds an ephemeral container). */
  addEphemeralContainer(namespace: string, pod: string, container: JsonObject, options?: WriteOptions): Promise<JsonObject>;
  readLog(namespace: string, pod: string, container: string, previous: boolean, signal?: AbortSignal): Promise<string>;
}

const PLURAL: Record<WritableKind, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };

function enc(s: string): string {
  return encodeURIComponent(s);
}

function asObject(value: Json, what: string): JsonObject {
  if (!isObject(value)) throw new ClusterError('UNAVAILABLE', `The API server sent no object for ${what}.`);
  return value;
}

function items(value: Json, what: string): JsonObject[] {
  const list = asObject(value, what).items;
  return Array.isArray(list) ? list.filter(isObject) : [];
}

/** Rewords a FORBIDDEN on a write so the operator knows which RBAC section to grant. */
function forWrite<T>(verb: string, what: string, p: Promise<T>): Promise<T> {
  return p.catch((err: unknown) => {
    if (err instanceof ClusterError && err.code === 'FORBIDDEN') {
      throw new ClusterError('FORBIDDEN', `The bot is not allowed to ${verb} ${what}. Grant its service account the debug or write capability in this namespace (deploy/rbac-debug.yaml or deploy/rbac-write.yaml applied with -n, or the chart's actions.debug / actions.write with the namespace in actions.namespaces; see docs/rbac.md). (${err.message})`, { status: 403, cause: err });
    }
    throw err;
  });
}

export class KubeClusterWriter implements ClusterWriter {
  readonly rest: KubeRest;
  readonly cluster: string;

  constructor(rest: KubeRest) {
    this.rest = rest;
    this.cluster = rest.cluster;
  }

  /** Same kubeconfig loading as the read gateway (KUBECONFIG, ~/.kube/config, in-cluster, --context). */
  static fromKubeConfig(options: KubeGatewayOptions = {}): KubeClusterWriter {
    const kc = loadKubeConfig(options);
    const cluster = options.clusterName ?? (options.env ?? process.env).CLUSTER_NAME;
    return new KubeClusterWriter(new KubeRest(kc, { ...(cluster === undefined ? {} : { cluster }), ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) }));
  }

  impersonate(who: Impersonation): ClusterWriter {
    return new KubeClusterWriter(this.rest.as(who));
  }

  async reviewAccess(who: Impersonation, attributes: ResourceAttributes, signal?: AbortSignal): Promise<AccessReview> {
    const what = 'a SubjectAccessReview';
    const review = await forWrite('create', 'subjectaccessreviews', this.rest.call({
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: who.user, groups: who.groups, resourceAttributes: { ...attributes } } },
      what,
      signal,
    }));
    const status = isObject(review) && isObject(review.status) ? review.status : {};
    const reason = typeof status.reason === 'string' ? status.reason : typeof status.evaluationError === 'string' ? status.evaluationError : '';
    return { allowed: status.allowed === true && status.denied !== true, reason };
  }

  async getWorkload(namespace: string, kind: WritableKind, name: string, signal?: AbortSignal): Promise<JsonObject> {
    const what = `${kind} ${namespace}/${name}`;
    return asObject(await this.rest.call({ method: 'GET', path: `/apis/apps/v1/namespaces/${enc(namespace)}/${PLURAL[kind]}/${enc(name)}`, what, signal }), what);
  }

  async listReplicaSets(namespace: string, signal?: AbortSignal): Promise<JsonObject[]> {
    const what = `replicasets in ${namespace}`;
    return items(await this.rest.call({ method: 'GET', path: `/apis/apps/v1/namespaces/${enc(namespace)}/replicasets`, what, signal }), what);
  }

  async listControllerRevisions(namespace: string, signal?: AbortSignal): Promise<JsonObject[]> {
    const what = `controllerrevisions in ${namespace}`;
    return items(await this.rest.call({ method: 'GET', path: `/apis/apps/v1/namespaces/${enc(namespace)}/controllerrevisions`, what, signal }), what);
  }

  async patchWorkload(namespace: string, kind: WritableKind, name: string, type: PatchType, body: Json, options: WriteOptions = {}): Promise<JsonObject> {
    const what = `${kind} ${namespace}/${name}`;
    const call = this.rest.call({
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${enc(namespace)}/${PLURAL[kind]}/${enc(name)}`,
      query: { dryRun: options.dryRun === true ? 'All' : undefined, fieldManager: 'crashloop-bot' },
      body,
      patchType: type,
      what,
      signal: options.signal,
    });
    return asObject(await forWrite('patch', what, call), what);
  }

  async getPod(namespace: string, name: string, signal?: AbortSignal): Promise<JsonObject> {
    const what = `pod ${namespace}/${name}`;
    return asObject(await this.rest.call({ method: 'GET', path: `/api/v1/namespaces/${enc(namespace)}/pods/${enc(name)}`, what, signal }), what);
  }

  async listPods(namespace: string, labelSelector: string, signal?: AbortSignal): Promise<JsonObject[]> {
    const what = `pods in ${namespace}`;
    return items(await this.rest.call({ method: 'GET', path: `/api/v1/namespaces/${enc(namespace)}/pods`, query: { labelSelector }, what, signal }), what);
  }

  async createPod(namespace: string, pod: JsonObject, options: WriteOptions = {}): Promise<JsonObject> {
    const what = `pod in ${namespace}`;
    const call = this.rest.call({
      method: 'POST',
      path: `/api/v1/namespaces/${enc(namespace)}/pods`,
      query: { dryRun: options.dryRun === true ? 'All' : undefined, fieldManager: 'crashloop-bot' },
      body: pod,
      what,
      signal: options.signal,
    });
    return asObject(await forWrite('create', what, call), what);
  }

  async deletePod(namespace: string, name: string, options: WriteOptions = {}): Promise<void> {
    const what = `pod ${namespace}/${name}`;
    await forWrite('delete', what, this.rest.call({
      method: 'DELETE',
      path: `/api/v1/namespaces/${enc(namespace)}/pods/${enc(name)}`,
      query: { dryRun: options.dryRun === true ? 'All' : undefined },
      what,
      signal: options.signal,
    }));
  }

  async addEphemeralContainer(namespace: string, pod: string, container: JsonObject, options: WriteOptions = {}): Promise<JsonObject> {
    const what = `ephemeral containers of pod ${namespace}/${pod}`;
    const call = this.rest.call({
      method: 'PATCH',
      path: `/api/v1/namespaces/${enc(namespace)}/pods/${enc(pod)}/ephemeralcontainers`,
      query: { dryRun: options.dryRun === true ? 'All' : undefined, fieldManager: 'crashloop-bot' },
      body: { spec: { ephemeralContainers: [container] } },
      patchType: 'strategic',
      what,
      signal: options.signal,
    });
    return asObject(await forWrite('patch', what, call), what);
  }

  async readLog(namespace: string, pod: string, container: string, previous: boolean, signal?: AbortSignal): Promise<string> {
    const what = `logs of ${namespace}/${pod} [${container}]${previous ? ' (previous)' : ''}`;
    return this.rest.callText({ method: 'GET', path: `/api/v1/namespaces/${enc(namespace)}/pods/${enc(pod)}/log`, query: { container, previous: previous ? 'true' : undefined, limitBytes: String(5 * 1024 * 1024) }, what, signal });
  }
}
