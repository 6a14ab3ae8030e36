// Which workload a pod belongs to, from alert labels or, failing that, from the pod's name.
// Controllers name their pods predictably, so a replaced pod still maps to the same incident.

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | 'ReplicaSet' | 'Pod';

export interface Workload {
  kind: WorkloadKind;
  name: string;
  /** True when read off a pod name rather than stated by a label. */
  derived: boolean;
}

/** kubectl short names, so the worker can resolve the reference like a typed one. */
const SHORT: Record<WorkloadKind, string> = {
  Deployment: 'deploy',
  StatefulSet: 'sts',
  DaemonSet: 'ds',
  Job: 'job',
  CronJob: 'cronjob',
  ReplicaSet: 'rs',
  Pod: 'pod',
};

export function workloadRef(w: Workload): string {
  return `${SHORT[w.kind]}/${w.name}`;
}

export function workloadKey(w: Workload): string {
  return `${w.kind}/${w.name}`;
}

// Kubernetes' SafeEncodeString alphabet (no vowels, no 0/1/3): ReplicaSet pod-template hashes and
// the 5-character random pod suffixes both use it.
const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';
const DEPLOYMENT_POD = new RegExp(`^(.+)-(${SAFE}{6,10})-(${SAFE}{5})$`);
const CRONJOB_POD = new RegExp(`^(.+)-(\\d{8,10})-(${SAFE}{5})$`);
const STATEFULSET_POD = /^(.+)-(\d+)$/;

/** Best guess from the pod name alone; a bare `<name>-<5 chars>` (DaemonSet or Job) stays a Pod. */
export function workloadFromPodName(pod: string): Workload {
  const cron = CRONJOB_POD.exec(pod);
  if (cron?.[1] !== undefined) return { kind: 'CronJob', name: cron[1], derived: true };
  const deploy = DEPLOYMENT_POD.exec(pod);
  if (deploy?.[1] !== undefined) return { kind: 'Deployment', name: deploy[1], derived: true };
  const sts = STATEFULSET_POD.exec(pod);
  if (sts?.[1] !== undefined) return { kind: 'StatefulSet', name: sts[1], derived: true };
  return { kind: 'Pod', name: pod, derived: true };
}

const OWNER_KINDS: Record<string, WorkloadKind> = {
  deployment: 'Deployment',
  statefulset: 'StatefulSet',
  daemonset: 'DaemonSet',
  job: 'Job',
  cronjob: 'CronJob',
  replicaset: 'ReplicaSet',
};

/**
 * The workload named by labels, most specific first: explicit workload labels (kube-state-metrics'
 * `deployment`, `statefulset`, `daemonset`, `job_name`, `cronjob`), kube-prometheus' `workload` +
 * `workload_type`, kube_pod_owner's `owner_kind` + `owner_name`, kube_pod_info's `created_by_*`.
 * Note: `job` is Prometheus' scrape job, never a Kubernetes Job.
 */
export function workloadFromLabels(labels: Record<string, string>): Workload | undefined {
  const direct: [string, WorkloadKind][] = [
    ['deployment', 'Deployment'],
    ['statefulset', 'StatefulSet'],
    ['daemonset', 'DaemonSet'],
    ['cronjob', 'CronJob'],
    ['job_name', 'Job'],
  ];
  for (const [label, kind] of direct) {
    const name = labels[label];
    if (name !== undefined && name !== '') return { kind, name, derived: false };
  }
  const pairs: [string, string][] = [
    ['workload_type', 'workload'],
    ['owner_kind', 'owner_name'],
    ['created_by_kind', 'created_by_name'],
  ];
  for (const [kindLabel, nameLabel] of pairs) {
    const kind = OWNER_KINDS[(labels[kindLabel] ?? '').toLowerCase()];
    const name = labels[nameLabel];
    if (kind !== undefined && name !== undefined && name !== '') {
      // A ReplicaSet owner is a Deployment's when its name carries a pod-template hash.
      if (kind === 'ReplicaSet') {
        const m = new RegExp(`^(.+)-(${SAFE}{6,10})$`).exec(name);
        if (m?.[1] !== undefined) return { kind: 'Deployment', name: m[1], derived: true };
      }
      return { kind, name, derived: false };
    }
  }
  return undefined;
}
