// Small builders for real-shaped pods in unit tests of capture and resolution.
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

export interface PodSpec {
  namespace?: string;
  name: string;
  labels?: Record<string, string>;
  owner?: { kind: string; name: string; uid?: string };
  containers?: string[];
  initContainers?: string[];
  /** Per container: crash (CrashLoopBackOff with a previous exit 1), running, waiting reason, or healthy. */
  states?: Record<string, 'crash' | 'running' | 'healthy' | 'first-fail' | { waiting: string }>;
  restarts?: number;
  node?: string;
}

function status(name: string, state: NonNullable<PodSpec['states']>[string] | undefined, restarts: number): V1ContainerStatus {
  const base = { name, image: `${name}:1.0`, imageID: '', ready: false, restartCount: 0 };
  const last = { terminated: { exitCode: 1, reason: 'Error', startedAt: new Date('2026-01-01T00:00:00Z'), finishedAt: new Date('2026-01-01T00:00:02Z') } };
  switch (state) {
    case 'crash':
      return { ...base, restartCount: restarts, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } }, lastState: last };
    case 'running':
      return { ...base, restartCount: restarts, ready: true, state: { running: { startedAt: new Date('2026-01-01T00:01:00Z') } }, lastState: restarts > 0 ? last : {} };
    case 'first-fail':
      return { ...base, state: { terminated: { exitCode: 2, reason: 'Error' } }, lastState: {} };
    case undefined:
    case 'healthy':
      return { ...base, ready: true, state: { running: { startedAt: new Date('2026-01-01T00:00:00Z') } }, lastState: {} };
    default:
      return { ...base, state: { waiting: { reason: state.waiting } }, lastState: {} };
  }
}

export function pod(spec: PodSpec): V1Pod {
  const containers = spec.containers ?? ['app'];
  const init = spec.initContainers ?? [];
  const restarts = spec.restarts ?? 5;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: spec.name,
      namespace: spec.namespace ?? 'default',
      uid: `uid-${spec.name}`,
      labels: spec.labels ?? {},
      ownerReferences: spec.owner ? [{ apiVersion: 'apps/v1', kind: spec.owner.kind, name: spec.owner.name, uid: spec.owner.uid ?? `uid-${spec.owner.name}`, controller: true }] : [],
    },
    spec: {
      nodeName: spec.node ?? 'node-1',
      initContainers: init.map((name) => ({ name, image: `${name}:1.0` })),
      containers: containers.map((name) => ({ name, image: `${name}:1.0` })),
    },
    status: {
      phase: init.some((c) => spec.states?.[c] !== undefined && spec.states[c] !== 'healthy') ? 'Pending' : 'Running',
      initContainerStatuses: init.map((c) => status(c, spec.states?.[c], restarts)),
      containerStatuses: containers.map((c) => status(c, spec.states?.[c], restarts)),
    },
  };
}
