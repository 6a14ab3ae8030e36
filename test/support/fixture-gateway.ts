// A ClusterGateway over in-memory pods, events, logs and workloads (fed from fixture snapshots), for
// unit tests of the bot that must not need a cluster. It filters and fails like the real one: unknown
// objects throw ClusterError NOT_FOUND; `fail(code)` makes every call throw that code until `heal()`.
import type { CoreV1Event, V1ControllerRevision, V1Node, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import type { Snapshot } from '../../diagnostics/types.ts';
import { ClusterError, type ClusterErrorCode, type ClusterGateway, type ListOptions, type LogOptions, type Workload, type WorkloadKind } from '../../src/cluster/types.ts';

interface StoredWorkload {
  kind: WorkloadKind;
  object: Workload;
}

function matchesLabels(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  if (selector === undefined || selector === '') return true;
  return selector.split(',').every((term) => {
    const [key, value] = term.split('=');
    if (key === undefined) return true;
    return value === undefined ? labels?.[key.trim()] !== undefined : labels?.[key.trim()] === value.trim();
  });
}

export class FixtureGateway implements ClusterGateway {
  readonly cluster: string;
  readonly pods: V1Pod[] = [];
  readonly events: CoreV1Event[] = [];
  /** key: ns/pod/container/previous|current */
  readonly logs = new Map<string, string>();
  readonly workloads: StoredWorkload[] = [];
  readonly replicaSets: V1ReplicaSet[] = [];
  readonly nodes: V1Node[] = [];
  /** Every call, as "method ns/name", for assertions about what was read. */
  readonly calls: string[] = [];
  private failure: ClusterErrorCode | undefined;

  constructor(cluster = 'fixture') {
    this.cluster = cluster;
  }

  static fromSnapshots(snapshots: Snapshot[], cluster = 'fixture'): FixtureGateway {
    const gateway = new FixtureGateway(cluster);
    for (const snapshot of snapshots) gateway.addSnapshot(snapshot);
    return gateway;
  }

  addSnapshot(snapshot: Snapshot): void {
    const ns = snapshot.pod.metadata?.namespace ?? 'default';
    const name = snapshot.pod.metadata?.name ?? '';
    this.pods.push(snapshot.pod);
    this.addOwners(snapshot);
    this.events.push(...snapshot.events);
    for (const [container, logs] of Object.entries(snapshot.logs)) {
      if (logs.previous !== null) this.logs.set(`${ns}/${name}/${container}/previous`, logs.previous);
      if (logs.current !== null) this.logs.set(`${ns}/${name}/${container}/current`, logs.current);
    }
  }

  /** The snapshot's owner chain as objects: ReplicaSet -> Deployment (or StatefulSet, DaemonSet, Job). */
  private addOwners(snapshot: Snapshot): void {
    const owners = snapshot.owners ?? [];
    const ns = snapshot.pod.metadata?.namespace ?? 'default';
    const labels = { ...(snapshot.pod.metadata?.labels ?? {}) };
    const template = { metadata: { labels }, spec: snapshot.pod.spec ?? { containers: [] } };
    owners.forEach((owner, i) => {
      const parent = owners[i + 1];
      const metadata = {
        name: owner.name,
        namespace: owner.namespace ?? ns,
        uid: owner.uid ?? `uid-${owner.name}`,
        labels,
        annotations: { 'deployment.kubernetes.io/revision': '1' },
        ...(parent === undefined ? {} : { ownerReferences: [{ apiVersion: 'apps/v1', kind: parent.kind, name: parent.name, uid: parent.uid ?? `uid-${parent.name}`, controller: true }] }),
      };
      const spec = { selector: { matchLabels: labels }, template };
      if (this.workloads.some((w) => w.kind === owner.kind && w.object.metadata?.name === owner.name && w.object.metadata.namespace === metadata.namespace)) return;
      if (owner.kind === 'ReplicaSet') {
        const rs: V1ReplicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata, spec };
        this.replicaSets.push(rs);
        this.workloads.push({ kind: 'ReplicaSet', object: rs });
      } else if (owner.kind === 'Deployment' || owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet') {
        this.workloads.push({ kind: owner.kind, object: { apiVersion: 'apps/v1', kind: owner.kind, metadata, spec } });
      }
    });
  }

  /** Every call throws this code (UNAVAILABLE to simulate an unreachable cluster) until heal(). */
  fail(code: ClusterErrorCode): void {
    this.failure = code;
  }

  heal(): void {
    this.failure = undefined;
  }

  private enter(call: string, signal?: AbortSignal): void {
    this.calls.push(call);
    if (signal?.aborted) throw new ClusterError('TIMEOUT', `${call}: aborted`);
    if (this.failure !== undefined) throw new ClusterError(this.failure, `${call}: injected ${this.failure}`);
  }

  async ping(signal?: AbortSignal): Promise<void> {
    this.enter('ping', signal);
  }

  async getPod(namespace: string, name: string, signal?: AbortSignal): Promise<V1Pod> {
    this.enter(`getPod ${namespace}/${name}`, signal);
    const pod = this.pods.find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name);
    if (pod === undefined) throw new ClusterError('NOT_FOUND', `pods "${name}" not found in namespace "${namespace}"`, { status: 404 });
    return structuredClone(pod);
  }

  async listPods(namespace: string | undefined, options?: ListOptions, signal?: AbortSignal): Promise<V1Pod[]> {
    this.enter(`listPods ${namespace ?? '*'}`, signal);
    return this.pods
      .filter((p) => namespace === undefined || p.metadata?.namespace === namespace)
      .filter((p) => matchesLabels(p.metadata?.labels, options?.labelSelector))
      .map((p) => structuredClone(p));
  }

  async listEvents(namespace: string, involvedObjectName: string, signal?: AbortSignal): Promise<CoreV1Event[]> {
    this.enter(`listEvents ${namespace}/${involvedObjectName}`, signal);
    return this.events
      .filter((e) => (e.involvedObject.namespace ?? e.metadata.namespace) === namespace && e.involvedObject.name === involvedObjectName)
      .map((e) => structuredClone(e));
  }

  async readLogs(namespace: string, pod: string, container: string, options: LogOptions, signal?: AbortSignal): Promise<string> {
    this.enter(`readLogs ${namespace}/${pod}/${container}`, signal);
    const text = this.logs.get(`${namespace}/${pod}/${container}/${options.previous ? 'previous' : 'current'}`);
    if (text === undefined) throw new ClusterError('BAD_REQUEST', `previous terminated container "${container}" in pod "${pod}" not found`, { status: 400 });
    const lines = text.split('\n');
    const tail = options.tailLines === undefined ? lines : lines.slice(-options.tailLines);
    const joined = tail.join('\n');
    return options.limitBytes === undefined ? joined : joined.slice(-options.limitBytes);
  }

  async getWorkload(namespace: string, kind: WorkloadKind, name: string, signal?: AbortSignal): Promise<Workload> {
    this.enter(`getWorkload ${kind} ${namespace}/${name}`, signal);
    const found = this.workloads.find((w) => w.kind === kind && w.object.metadata?.namespace === namespace && w.object.metadata?.name === name);
    if (found === undefined) throw new ClusterError('NOT_FOUND', `${kind.toLowerCase()}s "${name}" not found`, { status: 404 });
    return structuredClone(found.object);
  }

  async listWorkloads(namespace: string | undefined, kind: WorkloadKind, signal?: AbortSignal): Promise<Workload[]> {
    this.enter(`listWorkloads ${kind} ${namespace ?? '*'}`, signal);
    return this.workloads
      .filter((w) => w.kind === kind && (namespace === undefined || w.object.metadata?.namespace === namespace))
      .map((w) => structuredClone(w.object));
  }

  async listReplicaSets(namespace: string, options?: ListOptions, signal?: AbortSignal): Promise<V1ReplicaSet[]> {
    this.enter(`listReplicaSets ${namespace}`, signal);
    return this.replicaSets
      .filter((r) => r.metadata?.namespace === namespace && matchesLabels(r.metadata?.labels, options?.labelSelector))
      .map((r) => structuredClone(r));
  }

  async listControllerRevisions(namespace: string, _options?: ListOptions, signal?: AbortSignal): Promise<V1ControllerRevision[]> {
    this.enter(`listControllerRevisions ${namespace}`, signal);
    return [];
  }

  async getNode(name: string, signal?: AbortSignal): Promise<V1Node> {
    this.enter(`getNode ${name}`, signal);
    const node = this.nodes.find((n) => n.metadata?.name === name);
    if (node === undefined) throw new ClusterError('NOT_FOUND', `nodes "${name}" not found`, { status: 404 });
    return structuredClone(node);
  }
}
