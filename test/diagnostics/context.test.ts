import { describe, expect, it } from 'vitest';
import { buildContext } from '../../diagnostics/context.ts';
import { diagnose } from '../../diagnostics/index.ts';

const pod = (statuses: unknown[], containers = [{ name: 'app' }]) => ({
  kind: 'Pod',
  metadata: { name: 'app-1', namespace: 'shop' },
  spec: { containers },
  status: { phase: 'Running', containerStatuses: statuses },
});

describe('context', () => {
  it('judges a container that has just terminated by state.terminated and its current logs', () => {
    const snap = {
      pod: pod([{ name: 'app', restartCount: 4, state: { terminated: { exitCode: 137, reason: 'OOMKilled' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }]),
      events: [],
      logs: { app: { previous: "ModuleNotFoundError: No module named 'x'", current: 'loading 2 GB of embeddings' } },
    };
    const ctx = buildContext(snap);
    expect(ctx.containers[0]?.logLines.map((l) => l.source)).toEqual(['logs/app current']);
    expect(diagnose(snap).findings[0]?.cause).toBe('oom-killed');
  });

  it('accepts a bare Pod, an events List and logs given as strings', () => {
    const p = pod([{ name: 'app', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } }]);
    expect(buildContext(p).podName).toBe('app-1');
    const ctx = buildContext({ pod: p, events: { items: [{ reason: 'BackOff', message: 'Back-off restarting failed container', involvedObject: { fieldPath: 'spec.containers{app}' } }] }, logs: { app: 'Error: Cannot find module \'pg\'' } });
    expect(ctx.containers[0]?.events.map((e) => e.reason)).toEqual(['BackOff']);
    expect(ctx.containers[0]?.logLines.map((l) => l.text)).toEqual(["Error: Cannot find module 'pg'"]);
  });

  it('attributes events without fieldPath by the container name in the message, else to the only main container', () => {
    const ctx = buildContext({
      pod: pod([{ name: 'web', restartCount: 1 }, { name: 'proxy', restartCount: 0 }], [{ name: 'web' }, { name: 'proxy' }]),
      events: [
        { reason: 'Killing', message: 'Container web failed liveness probe, will be restarted' },
        { reason: 'BackOff', message: 'Back-off restarting failed container' },
      ],
      logs: {},
    });
    expect(ctx.containers.find((c) => c.name === 'web')?.events.map((e) => e.reason)).toEqual(['Killing']);
    expect(ctx.podEvents.map((e) => e.reason)).toEqual(['BackOff']);
  });

  it('names the workload from the owner chain or the ReplicaSet name', () => {
    expect(buildContext({ pod: { metadata: { ownerReferences: [{ kind: 'ReplicaSet', name: 'api-7d9f8b6c5d' }] } } }).workload).toBe('deployment/api');
    expect(buildContext({ pod: {}, owners: [{ kind: 'ReplicaSet', name: 'api-1' }, { kind: 'Deployment', name: 'api' }] }).workload).toBe('deployment/api');
    expect(buildContext({ pod: { metadata: { ownerReferences: [{ kind: 'StatefulSet', name: 'db' }] } } }).workload).toBe('statefulset/db');
  });
});
