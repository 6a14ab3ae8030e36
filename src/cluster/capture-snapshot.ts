// Live capture: pod, events, logs, owner chain, rollout history and node, read in parallel.
// Only the pod is required; every other read that fails becomes a `gap` in the snapshot.
import type { V1ObjectMeta, V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import type { ContainerLogs, Gap, NodeInfo, OwnerRef, Revision, Snapshot } from '../../diagnostics/types.ts';
import { ClusterError } from './types.ts';
import type { CaptureOptions, CaptureSnapshot, ClusterGateway, LogOptions } from './types.ts';
import { gapReason, isNoPreviousInstance } from './errors.ts';
import { formatLabelSelector, revisionsFromControllerRevisions, revisionsFromReplicaSets } from './history.ts';
import { containersToRead, hasRun, isBackingOff } from './pod-health.ts';

export const DEFAULT_TAIL_LINES = 200;
export const DEFAULT_LIMIT_BYTES = 256 * 1024;
/** Revisions kept in a snapshot: the latest ones are all the engine compares. */
export const MAX_REVISIONS = 10;

function controllerOf(meta: V1ObjectMeta | undefined): V1OwnerReference | undefined {
  const refs = meta?.ownerReferences ?? [];
  return refs.find((r) => r.controller) ?? refs[0];
}

function ownerRef(ref: V1OwnerReference, namespace: string): OwnerRef {
  return { kind: ref.kind, name: ref.name, namespace, uid: ref.uid };
}

interface Collected<T> {
  value: T;
  gaps: Gap[];
}

async function captureLogs(gateway: ClusterGateway, pod: V1Pod, namespace: string, name: string, options: CaptureOptions): Promise<Collected<Record<string, ContainerLogs>>> {
  const base = { tailLines: options.tailLines ?? DEFAULT_TAIL_LINES, limitBytes: options.limitBytes ?? DEFAULT_LIMIT_BYTES };
  const gaps: Gap[] = [];
  const logs: Record<string, ContainerLogs> = {};
  const read = (container: string, previous: boolean) => {
    const opts: LogOptions = { ...base, previous };
    return gateway.readLogs(namespace, name, container, opts, options.signal);
  };
  await Promise.all(
    containersToRead(pod).map(async (c) => {
      const entry: ContainerLogs = { previous: null, current: null };
      logs[c.name] = entry;
      const status = c.status;
      if (!hasRun(status)) return; // never started: there is nothing to read (null: not read, never "no logs")
      // Backing off means an instance ran and ended, even when the status carries no restartCount or lastState.
      const crashedBefore = (status?.restartCount ?? 0) > 0 || status?.lastState?.terminated !== undefined || isBackingOff(status);
      const readCurrent = async () => {
        try {
          entry.current = await read(c.name, false);
        } catch (err) {
          gaps.push({ what: `logs/${c.name} (current)`, reason: gapReason(err) });
        }
      };
      if (!crashedBefore) {
        await readCurrent();
        return;
      }
      const [previous] = await Promise.allSettled([read(c.name, true), status?.state?.running ? readCurrent() : Promise.resolve()]);
      if (previous.status === 'fulfilled') {
        entry.previous = previous.value;
      } else if (isNoPreviousInstance(previous.reason) || (previous.reason instanceof ClusterError && previous.reason.code === 'BAD_REQUEST')) {
        // A 400 means the kubelet has no previous instance to give ("previous terminated container … not
        // found", e.g. the container was recreated): the current instance is all there is. Only when that
        // read fails too is the previous one reported missing.
        if (entry.current === null) {
          try {
            entry.current = await read(c.name, false);
          } catch (err) {
            gaps.push({ what: `logs/${c.name} (previous)`, reason: gapReason(previous.reason) }, { what: `logs/${c.name} (current)`, reason: gapReason(err) });
          }
        }
      } else {
        gaps.push({ what: `logs/${c.name} (previous)`, reason: gapReason(previous.reason) });
      }
    }),
  );
  return { value: logs, gaps };
}

async function captureOwners(gateway: ClusterGateway, pod: V1Pod, namespace: string, signal?: AbortSignal): Promise<Collected<{ owners: OwnerRef[]; history?: Revision[] }>> {
  const gaps: Gap[] = [];
  const owners: OwnerRef[] = [];
  const first = controllerOf(pod.metadata);
  if (!first) return { value: { owners }, gaps };
  owners.push(ownerRef(first, namespace));
  let top = first;
  let rsSelector: string | undefined;
  if (first.kind === 'ReplicaSet') {
    try {
      const rs = await gateway.getWorkload(namespace, 'ReplicaSet', first.name, signal);
      const parent = controllerOf(rs.metadata);
      if (parent) {
        owners.push(ownerRef(parent, namespace));
        top = parent;
      }
      // The ReplicaSet's selector minus its own pod-template-hash selects every ReplicaSet of the Deployment.
      const matchLabels = { ...(rs.spec?.selector?.matchLabels ?? {}) };
      delete matchLabels['pod-template-hash'];
      rsSelector = formatLabelSelector({ ...rs.spec?.selector, matchLabels });
    } catch (err) {
      gaps.push({ what: `owner ReplicaSet/${first.name}`, reason: gapReason(err) });
      return { value: { owners }, gaps };
    }
  }
  if (first.kind === 'Job') {
    // A CronJob's Job: name the CronJob too, so the report can point at what schedules the crashes.
    try {
      const job = await gateway.getWorkload(namespace, 'Job', first.name, signal);
      const parent = controllerOf(job.metadata);
      if (parent) owners.push(ownerRef(parent, namespace));
    } catch (err) {
      gaps.push({ what: `owner Job/${first.name}`, reason: gapReason(err) });
    }
    return { value: { owners }, gaps };
  }
  const owner = { kind: top.kind, name: top.name, uid: top.uid };
  let history: Revision[] | undefined;
  try {
    if (top.kind === 'Deployment') {
      const items = await gateway.listReplicaSets(namespace, rsSelector ? { labelSelector: rsSelector } : {}, signal);
      history = revisionsFromReplicaSets(items, owner);
    } else if (top.kind === 'StatefulSet' || top.kind === 'DaemonSet') {
      let selector: string | undefined;
      try {
        const workload = await gateway.getWorkload(namespace, top.kind, top.name, signal);
        selector = formatLabelSelector(workload.spec?.selector);
      } catch (err) {
        gaps.push({ what: `owner ${top.kind}/${top.name}`, reason: gapReason(err) });
      }
      const items = await gateway.listControllerRevisions(namespace, selector ? { labelSelector: selector } : {}, signal);
      history = revisionsFromControllerRevisions(items, owner);
    }
  } catch (err) {
    gaps.push({ what: `rollout history of ${top.kind}/${top.name}`, reason: gapReason(err) });
  }
  const value: { owners: OwnerRef[]; history?: Revision[] } = { owners };
  if (history !== undefined) value.history = history.slice(-MAX_REVISIONS);
  return { value, gaps };
}

async function captureNode(gateway: ClusterGateway, nodeName: string | undefined, signal?: AbortSignal): Promise<Collected<NodeInfo | undefined>> {
  if (!nodeName) return { value: undefined, gaps: [] };
  try {
    const node = await gateway.getNode(nodeName, signal);
    return { value: { name: nodeName, conditions: node.status?.conditions ?? [] }, gaps: [] };
  } catch (err) {
    return { value: { name: nodeName }, gaps: [{ what: `node ${nodeName}`, reason: gapReason(err) }] };
  }
}

/** Captures a snapshot of one pod. Throws ClusterError only when the pod itself cannot be read. */
export const captureSnapshot: CaptureSnapshot = async (gateway, namespace, name, options = {}) => {
  const { signal } = options;
  const eventsRead = gateway.listEvents(namespace, name, signal);
  eventsRead.catch(() => undefined); // settled below; avoids an unhandled rejection if the pod read throws first
  const pod = await gateway.getPod(namespace, name, signal);
  const [events, logs, owners, node] = await Promise.allSettled([
    eventsRead,
    captureLogs(gateway, pod, namespace, name, options),
    captureOwners(gateway, pod, namespace, signal),
    captureNode(gateway, pod.spec?.nodeName, signal),
  ]);
  const gaps: Gap[] = [];
  const snapshot: Snapshot = { pod, events: [], logs: {}, capturedAt: (options.now ?? (() => new Date()))().toISOString() };
  if (events.status === 'fulfilled') snapshot.events = events.value;
  else gaps.push({ what: 'events', reason: gapReason(events.reason) });
  if (logs.status === 'fulfilled') {
    snapshot.logs = logs.value.value;
    gaps.push(...logs.value.gaps);
  } else gaps.push({ what: 'logs', reason: gapReason(logs.reason) });
  if (owners.status === 'fulfilled') {
    snapshot.owners = owners.value.value.owners;
    if (owners.value.value.history) snapshot.history = owners.value.value.history;
    gaps.push(...owners.value.gaps);
  } else gaps.push({ what: 'owners', reason: gapReason(owners.reason) });
  if (node.status === 'fulfilled') {
    if (node.value.value) snapshot.node = node.value.value;
    gaps.push(...node.value.gaps);
  } else gaps.push({ what: 'node', reason: gapReason(node.reason) });
  if (gaps.length > 0) snapshot.gaps = gaps;
  // Plain JSON, as a snapshot file would be: client model instances and Dates become strings.
  return JSON.parse(JSON.stringify(snapshot)) as Snapshot;
};
