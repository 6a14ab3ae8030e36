// Real-shaped crash-looping pods as Snapshots, for tests of the bot that run without a cluster.
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { Snapshot } from '../../diagnostics/types.ts';

export interface CrashingPodSpec {
  namespace: string;
  name: string;
  container?: string;
  /** Deployment that owns the pod (through a ReplicaSet), if any. */
  deployment?: string;
  reason?: string;
  exitCode?: number;
  restarts?: number;
  previousLog?: string | null;
  capturedAt?: string;
  memoryLimit?: string;
}

/** A pod in CrashLoopBackOff with its last termination, a BackOff event and previous logs. */
export function crashingSnapshot(spec: CrashingPodSpec): Snapshot {
  const container = spec.container ?? 'app';
  const capturedAt = spec.capturedAt ?? '2026-11-21T12:00:00Z';
  const rs = spec.deployment === undefined ? undefined : `${spec.deployment}-7d9f8b6c5`;
  const pod: V1Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      uid: `uid-${spec.name}`,
      labels: spec.deployment === undefined ? { app: spec.name } : { app: spec.deployment, 'pod-template-hash': '7d9f8b6c5' },
      ...(rs === undefined ? {} : { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: `uid-${rs}`, controller: true }] }),
      creationTimestamp: new Date('2026-11-21T11:00:00Z'),
    },
    spec: {
      nodeName: 'node-1',
      restartPolicy: 'Always',
      containers: [
        {
          name: container,
          image: 'registry.example.com/app:1.2.3',
          resources: spec.memoryLimit === undefined ? {} : { limits: { memory: spec.memoryLimit } },
        },
      ],
    },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: container,
          image: 'registry.example.com/app:1.2.3',
          imageID: '',
          ready: false,
          restartCount: spec.restarts ?? 7,
          started: false,
          state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${container} pod=${spec.name}` } },
          lastState: {
            terminated: {
              exitCode: spec.exitCode ?? 1,
              reason: spec.reason ?? 'Error',
              startedAt: new Date('2026-11-21T11:58:00Z'),
              finishedAt: new Date('2026-11-21T11:58:05Z'),
            },
          },
        },
      ],
    },
  };
  const events: CoreV1Event[] = [
    {
      metadata: { name: `${spec.name}.backoff`, namespace: spec.namespace },
      involvedObject: { kind: 'Pod', name: spec.name, namespace: spec.namespace, fieldPath: `spec.containers{${container}}` },
      reason: 'BackOff',
      message: `Back-off restarting failed container ${container} in pod ${spec.name}_${spec.namespace}(uid-${spec.name})`,
      type: 'Warning',
      count: 30,
      lastTimestamp: new Date('2026-11-21T11:59:00Z'),
    },
  ];
  return {
    pod,
    events,
    logs: { [container]: { previous: spec.previousLog === undefined ? 'starting\nfatal: something went wrong' : spec.previousLog, current: null } },
    capturedAt,
    ...(spec.deployment === undefined || rs === undefined
      ? {}
      : { owners: [{ kind: 'ReplicaSet', name: rs, namespace: spec.namespace }, { kind: 'Deployment', name: spec.deployment, namespace: spec.namespace }] }),
  };
}
