import { describe, expect, it } from 'vitest';
import { mapAlert, restartCountFrom } from '../../src/alertmanager/map-alert.ts';
import { crashLoopAlert } from './fixtures.ts';

describe('mapAlert', () => {
  it('turns KubePodCrashLooping into a pod target with the Deployment as fallback and incident', () => {
    const mapped = mapAlert(crashLoopAlert({ cluster: 'prod-eu' }), 'default');
    expect(mapped).toEqual({
      kind: 'diagnose',
      subject: {
        incident: { cluster: 'prod-eu', namespace: 'payments', workload: 'Deployment/payments-api' },
        workload: { kind: 'Deployment', name: 'payments-api', derived: true },
        target: { text: 'payments/payments-api-7d9f8b6c5d-x2x7q', namespace: 'payments', fallback: 'deploy/payments-api' },
        pod: 'payments-api-7d9f8b6c5d-x2x7q',
        container: 'api',
        alertname: 'KubePodCrashLooping',
        fingerprint: 'fp-payments-payments-api-7d9f8b6c5d-x2x7q-api',
        startsAt: '2026-11-21T22:00:00.000Z',
      },
    });
  });

  it('uses the default cluster without a cluster label, and targets a workload alert directly', () => {
    const alert = crashLoopAlert();
    alert.labels = { alertname: 'KubeDeploymentReplicasMismatch', namespace: 'shop', deployment: 'cart', job: 'kube-state-metrics' };
    const mapped = mapAlert(alert, 'home');
    expect(mapped.kind === 'diagnose' && mapped.subject.incident).toEqual({ cluster: 'home', namespace: 'shop', workload: 'Deployment/cart' });
    expect(mapped.kind === 'diagnose' && mapped.subject.target).toEqual({ text: 'deploy/cart', namespace: 'shop' });
  });

  it('targets a Job by name prefix (the resolver takes no job/ prefix), and a CronJob pod without fallback', () => {
    const job = crashLoopAlert();
    job.labels = { alertname: 'KubeJobFailed', namespace: 'batch', job_name: 'migrate', job: 'kube-state-metrics' };
    const mapped = mapAlert(job, 'c');
    expect(mapped.kind === 'diagnose' && mapped.subject.target).toEqual({ text: 'batch/migrate', namespace: 'batch' });
    expect(mapped.kind === 'diagnose' && mapped.subject.incident.workload).toBe('Job/migrate');
    const cron = mapAlert(crashLoopAlert({ namespace: 'batch', pod: 'backup-29012345-q7w2z' }), 'c');
    expect(cron.kind === 'diagnose' && cron.subject.target).toEqual({ text: 'batch/backup-29012345-q7w2z', namespace: 'batch' });
  });

  it('ignores alerts with no namespace or nothing to diagnose', () => {
    const node = crashLoopAlert();
    node.labels = { alertname: 'KubeNodeNotReady', node: 'worker-1' };
    expect(mapAlert(node, 'c')).toEqual({ kind: 'ignore', reason: 'no-namespace' });
    const quota = crashLoopAlert();
    quota.labels = { alertname: 'KubeQuotaExceeded', namespace: 'shop', resourcequota: 'compute' };
    expect(mapAlert(quota, 'c')).toEqual({ kind: 'ignore', reason: 'no-target' });
  });

  it('reads restart counts from annotations', () => {
    expect(restartCountFrom(crashLoopAlert({ description: 'Pod shop/api is restarting 7.2 times / 10 minutes.' }))).toBe(7);
    expect(restartCountFrom(crashLoopAlert())).toBeUndefined();
  });
});
