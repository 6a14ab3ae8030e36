import { describe, expect, it } from 'vitest';
import { workloadFromLabels, workloadFromPodName } from '../../src/alertmanager/workload.ts';

describe('workloadFromPodName', () => {
  it.each([
    ['payments-api-7d9f8b6c5d-x2x7q', 'Deployment', 'payments-api'],
    ['coredns-5d78c9869d-4kz2w', 'Deployment', 'coredns'],
    ['web-0', 'StatefulSet', 'web'],
    ['postgres-primary-12', 'StatefulSet', 'postgres-primary'],
    ['backup-29012345-q7w2z', 'CronJob', 'backup'],
    ['node-exporter-x7k2p', 'Pod', 'node-exporter-x7k2p'],
    ['standalone', 'Pod', 'standalone'],
  ])('%s -> %s/%s', (pod, kind, name) => {
    expect(workloadFromPodName(pod)).toEqual({ kind, name, derived: true });
  });

  it('does not take vowels for a pod-template hash (a name segment is not a hash)', () => {
    expect(workloadFromPodName('my-service-backend-x2x7q').kind).toBe('Pod');
  });
});

describe('workloadFromLabels', () => {
  it('reads the kube-state-metrics workload labels, ignoring the scrape job label', () => {
    expect(workloadFromLabels({ deployment: 'api', job: 'kube-state-metrics' })).toEqual({ kind: 'Deployment', name: 'api', derived: false });
    expect(workloadFromLabels({ job_name: 'migrate', job: 'kube-state-metrics' })).toEqual({ kind: 'Job', name: 'migrate', derived: false });
    expect(workloadFromLabels({ job: 'kube-state-metrics' })).toBeUndefined();
  });

  it('maps a ReplicaSet owner with a pod-template hash to its Deployment', () => {
    expect(workloadFromLabels({ owner_kind: 'ReplicaSet', owner_name: 'api-7d9f8b6c5d' })).toEqual({ kind: 'Deployment', name: 'api', derived: true });
    expect(workloadFromLabels({ workload_type: 'daemonset', workload: 'fluent-bit' })).toEqual({ kind: 'DaemonSet', name: 'fluent-bit', derived: false });
  });
});
