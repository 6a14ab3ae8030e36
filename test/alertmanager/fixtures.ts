// Real-shaped Alertmanager webhook payloads (version 4), as kube-prometheus' rules produce them.
import type { WebhookAlert, WebhookPayload } from '../../src/alertmanager/schema.ts';

export function crashLoopAlert(overrides: { namespace?: string; pod?: string; container?: string; status?: 'firing' | 'resolved'; fingerprint?: string; cluster?: string; startsAt?: string; endsAt?: string; description?: string; extraLabels?: Record<string, string> } = {}): WebhookAlert {
  const namespace = overrides.namespace ?? 'payments';
  const pod = overrides.pod ?? 'payments-api-7d9f8b6c5d-x2x7q';
  const container = overrides.container ?? 'api';
  const labels: Record<string, string> = {
    alertname: 'KubePodCrashLooping',
    namespace,
    pod,
    container,
    job: 'kube-state-metrics',
    reason: 'CrashLoopBackOff',
    severity: 'warning',
    uid: 'c5b1a9f0-0000-4000-8000-000000000001',
    ...(overrides.cluster === undefined ? {} : { cluster: overrides.cluster }),
    ...overrides.extraLabels,
  };
  return {
    status: overrides.status ?? 'firing',
    labels,
    annotations: {
      description: overrides.description ?? `Pod ${namespace}/${pod} (${container}) is in waiting state (reason: "CrashLoopBackOff").`,
      runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping',
      summary: 'Pod is crash looping.',
    },
    startsAt: overrides.startsAt ?? '2026-11-21T22:00:00.000Z',
    endsAt: overrides.endsAt ?? '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.test:9090/graph?g0.expr=max_over_time%28kube_pod_container_status_waiting_reason%5B5m%5D%29',
    fingerprint: overrides.fingerprint ?? `fp-${namespace}-${pod}-${container}`,
  };
}

export function payload(alerts: WebhookAlert[], status: 'firing' | 'resolved' = 'firing'): WebhookPayload {
  return {
    version: '4',
    groupKey: '{}:{alertname="KubePodCrashLooping"}',
    truncatedAlerts: 0,
    status,
    receiver: 'crashloop-bot',
    groupLabels: { alertname: 'KubePodCrashLooping' },
    commonLabels: { alertname: 'KubePodCrashLooping' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.test:9093',
    alerts,
  };
}
