// One alert -> what to diagnose and which incident it belongs to, or why there is nothing to do.
import type { IncidentKey } from '../queue/types.ts';
import type { WebhookAlert } from './schema.ts';
import { isValidName } from '../cluster/names.ts';
import { workloadFromLabels, workloadFromPodName, workloadKey, workloadRef, type Workload } from './workload.ts';

export interface AlertSubject {
  incident: IncidentKey;
  workload: Workload;
  /** Job target: the pod when the alert names one, else the workload. */
  target: { text: string; namespace: string; fallback?: string };
  pod?: string;
  container?: string;
  alertname: string;
  /** Restart count read off the annotations, when they state one. */
  restartCount?: number;
  fingerprint: string;
  startsAt: string;
}

export type IgnoreReason = 'no-namespace' | 'no-target';

export type MappedAlert = { kind: 'diagnose'; subject: AlertSubject } | { kind: 'ignore'; reason: IgnoreReason };

const RESOLVABLE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

function label(labels: Record<string, string>, name: string): string | undefined {
  const value = labels[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** "restarting 3.5 times / 10 minutes", "restarted 12 times", "restart count 7". */
export function restartCountFrom(alert: WebhookAlert): number | undefined {
  const fromLabel = label(alert.labels, 'restarts') ?? label(alert.labels, 'restart_count');
  if (fromLabel !== undefined && /^\d+$/.test(fromLabel)) return Number(fromLabel);
  for (const key of ['description', 'message', 'summary']) {
    const text = alert.annotations[key];
    if (text === undefined) continue;
    const m = /restart(?:ing|ed|s)?\s+(\d+(?:\.\d+)?)\s+times/i.exec(text) ?? /restart count[:\s]+(\d+)/i.exec(text);
    if (m?.[1] !== undefined) return Math.round(Number(m[1]));
  }
  return undefined;
}

export function mapAlert(alert: WebhookAlert, defaultCluster: string): MappedAlert {
  const namespace = label(alert.labels, 'namespace') ?? label(alert.labels, 'exported_namespace');
  // Label values are whatever the alert rule produced: only valid Kubernetes names become targets.
  if (namespace === undefined || !isValidName('namespace', namespace)) return { kind: 'ignore', reason: 'no-namespace' };
  const pod = label(alert.labels, 'pod') ?? label(alert.labels, 'exported_pod');
  const podName = pod !== undefined && isValidName('object', pod) ? pod : undefined;
  const workload = workloadFromLabels(alert.labels) ?? (podName === undefined ? undefined : workloadFromPodName(podName));
  if (workload === undefined || !isValidName('object', workload.name)) return { kind: 'ignore', reason: 'no-target' };

  const cluster = label(alert.labels, 'cluster') ?? defaultCluster;
  const incident: IncidentKey = { cluster, namespace, workload: workloadKey(workload) };
  // The resolver takes kind prefixes for Deployments, StatefulSets and DaemonSets only; a Job's or
  // CronJob's pods are found by name prefix instead.
  const byKind = RESOLVABLE_KINDS.has(workload.kind);
  const target: AlertSubject['target'] =
    podName !== undefined
      ? { text: `${namespace}/${podName}`, namespace, ...(byKind ? { fallback: workloadRef(workload) } : {}) }
      : { text: byKind ? workloadRef(workload) : `${namespace}/${workload.name}`, namespace };
  const subject: AlertSubject = {
    incident,
    workload,
    target,
    alertname: label(alert.labels, 'alertname') ?? 'alert',
    fingerprint: alert.fingerprint,
    startsAt: alert.startsAt,
  };
  if (podName !== undefined) subject.pod = podName;
  const container = label(alert.labels, 'container');
  if (container !== undefined && isValidName('container', container)) subject.container = container;
  const restarts = restartCountFrom(alert);
  if (restarts !== undefined) subject.restartCount = restarts;
  return { kind: 'diagnose', subject };
}
