// Capture over the in-memory FixtureGateway (a fake of our own seam, not of the Kubernetes client):
// what is read, what becomes a gap, and that only the pod is fatal.
import { describe, expect, it } from 'vitest';
import type { CoreV1Event, V1ReplicaSet } from '@kubernetes/client-node';
import { FixtureGateway } from '../../support/fixture-gateway.ts';
import { ClusterError, type LogOptions } from '../../../src/cluster/types.ts';
import { captureSnapshot } from '../../../src/cluster/capture-snapshot.ts';
import { pod } from './pods.ts';

const now = () => new Date('2026-02-03T04:05:06Z');

function replicaSet(name: string, revision: number, image: string): V1ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'prod',
      labels: { app: 'api', 'pod-template-hash': name.split('-').pop() ?? '' },
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', uid: 'uid-deploy-api', controller: true }],
    },
    spec: {
      selector: { matchLabels: { app: 'api', 'pod-template-hash': name.split('-').pop() ?? '' } },
      template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
}

function event(podName: string, reason: string, message: string): CoreV1Event {
  return {
    metadata: { name: `${podName}.${reason}`, namespace: 'prod' },
    involvedObject: { kind: 'Pod', name: podName, namespace: 'prod' },
    reason,
    message,
    type: 'Warning',
    count: 3,
  };
}

function deploymentFixture(): FixtureGateway {
  const gw = new FixtureGateway('test');
  const rsNew = replicaSet('api-6b7c8d9f5', 2, 'app:2.0');
  gw.pods.push(pod({ namespace: 'prod', name: 'api-6b7c8d9f5-x2lqp', labels: { app: 'api' }, owner: { kind: 'ReplicaSet', name: 'api-6b7c8d9f5' }, states: { app: 'crash' } }));
  gw.events.push(event('api-6b7c8d9f5-x2lqp', 'BackOff', 'Back-off restarting failed container app'), event('someone-else', 'BackOff', 'not ours'));
  gw.logs.set('prod/api-6b7c8d9f5-x2lqp/app/previous', Array.from({ length: 500 }, (_, i) => `line ${i + 1}`).join('\n'));
  gw.workloads.push({ kind: 'ReplicaSet', object: rsNew });
  gw.replicaSets.push(rsNew, replicaSet('api-5f4d3c2b1', 1, 'app:1.0'));
  gw.nodes.push({ metadata: { name: 'node-1' }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'MemoryPressure', status: 'False' }] } });
  return gw;
}

describe('captureSnapshot', () => {
  it('reads pod, own events, bounded previous logs, owner chain, rollout history and node', async () => {
    const gw = deploymentFixture();
    const snapshot = await captureSnapshot(gw, 'prod', 'api-6b7c8d9f5-x2lqp', { now });
    expect(snapshot.capturedAt).toBe('2026-02-03T04:05:06.000Z');
    expect(snapshot.pod.metadata?.name).toBe('api-6b7c8d9f5-x2lqp');
    expect(snapshot.events.map((e) => e.reason)).toEqual(['BackOff']);
    const previous = snapshot.logs.app?.previous ?? '';
    expect(previous.split('\n')).toHaveLength(200);
    expect(previous.endsWith('line 500')).toBe(true);
    expect(snapshot.logs.app?.current).toBeNull();
    expect(snapshot.owners?.map((o) => `${o.kind}/${o.name}`)).toEqual(['ReplicaSet/api-6b7c8d9f5', 'Deployment/api']);
    expect(snapshot.history?.map((r) => [r.revision, r.template.spec?.containers[0]?.image])).toEqual([[1, 'app:1.0'], [2, 'app:2.0']]);
    expect(snapshot.node?.conditions?.map((c) => c.type)).toEqual(['Ready', 'MemoryPressure']);
    expect(snapshot.gaps).toBeUndefined();
    // The snapshot is plain JSON, as a file would be.
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(typeof snapshot.pod.status?.containerStatuses?.[0]?.lastState?.terminated?.finishedAt).toBe('string');
  });

  it('falls back to the current logs when the API has no previous instance', async () => {
    const gw = new FixtureGateway();
    gw.pods.push(pod({ namespace: 'prod', name: 'web-1', states: { app: 'running' }, restarts: 1 }));
    gw.logs.set('prod/web-1/app/current', 'listening on :8080\nliveness failing');
    const snapshot = await captureSnapshot(gw, 'prod', 'web-1', { now });
    expect(snapshot.logs.app).toEqual({ previous: null, current: 'listening on :8080\nliveness failing' });
    expect((snapshot.gaps ?? []).filter((g) => g.what.startsWith('logs'))).toEqual([]);
  });

  it('falls back on any 400 for previous logs, and reports both reads when the current one fails too', async () => {
    class Odd extends FixtureGateway {
      override async readLogs(namespace: string, podName: string, container: string, options: LogOptions): Promise<string> {
        if (options.previous) throw new ClusterError('BAD_REQUEST', 'failed to open log file: no such file or directory', { status: 400 });
        return super.readLogs(namespace, podName, container, options);
      }
    }
    const gw = new Odd();
    gw.pods.push(pod({ namespace: 'prod', name: 'a-1', states: { app: 'crash' } }), pod({ namespace: 'prod', name: 'b-1', states: { app: 'crash' } }));
    gw.logs.set('prod/a-1/app/current', 'only the current run');
    const a = await captureSnapshot(gw, 'prod', 'a-1', { now });
    expect(a.logs.app).toEqual({ previous: null, current: 'only the current run' });
    expect((a.gaps ?? []).filter((g) => g.what.startsWith('logs'))).toEqual([]);
    const b = await captureSnapshot(gw, 'prod', 'b-1', { now });
    expect((b.gaps ?? []).filter((g) => g.what.startsWith('logs')).map((g) => g.what)).toEqual(['logs/app (previous)', 'logs/app (current)']);
  });

  it('reads the logs of a failing init container and skips healthy ones', async () => {
    const gw = new FixtureGateway();
    gw.pods.push(pod({ namespace: 'prod', name: 'job-1', initContainers: ['migrate'], containers: ['app', 'sidecar'], states: { migrate: 'crash', app: { waiting: 'PodInitializing' }, sidecar: { waiting: 'PodInitializing' } } }));
    gw.logs.set('prod/job-1/migrate/previous', 'relation "users" does not exist');
    const snapshot = await captureSnapshot(gw, 'prod', 'job-1', { now });
    expect(Object.keys(snapshot.logs)).toEqual(['migrate']);
    expect(snapshot.logs.migrate?.previous).toContain('does not exist');
  });

  it('turns forbidden logs and failing events into gaps, not failures', async () => {
    class Locked extends FixtureGateway {
      override async readLogs(namespace: string, podName: string, container: string, options: LogOptions): Promise<string> {
        void namespace;
        void options;
        throw new ClusterError('FORBIDDEN', `cannot get resource "pods/log" for ${podName}/${container}`, { status: 403 });
      }
      override async listEvents(): Promise<CoreV1Event[]> {
        throw new ClusterError('TIMEOUT', 'events timed out');
      }
    }
    const gw = new Locked();
    gw.pods.push(...deploymentFixture().pods);
    const snapshot = await captureSnapshot(gw, 'prod', 'api-6b7c8d9f5-x2lqp', { now });
    expect(snapshot.logs.app?.previous ?? null).toBeNull();
    expect(snapshot.logs.app?.current ?? null).toBeNull();
    expect(snapshot.gaps).toEqual(
      expect.arrayContaining([
        { what: 'events', reason: 'timeout: events timed out' },
        { what: 'logs/app (previous)', reason: expect.stringMatching(/^forbidden: cannot get resource "pods\/log"/) },
        { what: 'owner ReplicaSet/api-6b7c8d9f5', reason: expect.stringMatching(/^not found/) },
        { what: 'node node-1', reason: expect.stringMatching(/^not found/) },
      ]),
    );
    expect(snapshot.owners).toEqual([{ kind: 'ReplicaSet', name: 'api-6b7c8d9f5', namespace: 'prod', uid: 'uid-api-6b7c8d9f5' }]);
    expect(snapshot.node).toEqual({ name: 'node-1' });
  });

  it('follows a Job pod to its CronJob', async () => {
    const gw = new FixtureGateway();
    gw.pods.push(pod({ namespace: 'ops', name: 'backup-29000000-abcde', owner: { kind: 'Job', name: 'backup-29000000' }, states: { app: 'first-fail' } }));
    gw.workloads.push({
      kind: 'Job',
      object: { metadata: { name: 'backup-29000000', namespace: 'ops', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'backup', uid: 'uid-cron', controller: true }] }, spec: { template: {} } },
    });
    gw.logs.set('ops/backup-29000000-abcde/app/current', 'pg_dump: error: connection refused');
    const snapshot = await captureSnapshot(gw, 'ops', 'backup-29000000-abcde', { now });
    expect(snapshot.owners?.map((o) => `${o.kind}/${o.name}`)).toEqual(['Job/backup-29000000', 'CronJob/backup']);
    expect(snapshot.history).toBeUndefined();
    expect(snapshot.logs.app?.current).toContain('connection refused');
  });

  it('reads the logs of a container backing off even when its status has no restartCount or lastState', async () => {
    const gw = new FixtureGateway();
    const p = pod({ namespace: 'prod', name: 'bare-1', states: { app: { waiting: 'CrashLoopBackOff' } } });
    gw.pods.push(p);
    gw.logs.set('prod/bare-1/app/previous', 'Error: environment variable DATABASE_URL is required');
    const snapshot = await captureSnapshot(gw, 'prod', 'bare-1', { now });
    expect(snapshot.pod.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect(snapshot.logs.app?.previous).toBe('Error: environment variable DATABASE_URL is required');
  });

  it('does not read logs of a container that never ran: no string, so no "read and empty" claim', async () => {
    const gw = new FixtureGateway();
    gw.pods.push(pod({ namespace: 'prod', name: 'new-1', states: { app: { waiting: 'ContainerCreating' } } }));
    const snapshot = await captureSnapshot(gw, 'prod', 'new-1', { now });
    expect(snapshot.logs.app?.previous ?? null).toBeNull();
    expect(snapshot.logs.app?.current ?? null).toBeNull();
  });

  it('fails with NOT_FOUND when the pod does not exist', async () => {
    const gw = deploymentFixture();
    await expect(captureSnapshot(gw, 'prod', 'nope', { now })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('honours the abort signal', async () => {
    const gw = deploymentFixture();
    const controller = new AbortController();
    controller.abort();
    await expect(captureSnapshot(gw, 'prod', 'api-6b7c8d9f5-x2lqp', { now, signal: controller.signal })).rejects.toBeInstanceOf(ClusterError);
  });
});
