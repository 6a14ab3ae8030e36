// Target resolution over the in-memory FixtureGateway (a fake of our seam, not of the Kubernetes client).
import { describe, expect, it } from 'vitest';
import { FixtureGateway } from '../../support/fixture-gateway.ts';
import { listCrashingPods, matchesSelector, resolveTarget, workloadKeyOf } from '../../../src/cluster/resolve-target.ts';
import { pod } from './pods.ts';

function cluster(): FixtureGateway {
  const gw = new FixtureGateway();
  const rs = { kind: 'ReplicaSet', name: 'payments-api-7d9f8c' };
  gw.pods.push(
    pod({ namespace: 'prod', name: 'payments-api-7d9f8c-aaaaa', labels: { app: 'payments-api', 'pod-template-hash': '7d9f8c' }, owner: rs, states: { app: 'running' }, restarts: 2 }),
    pod({ namespace: 'prod', name: 'payments-api-7d9f8c-bbbbb', labels: { app: 'payments-api', 'pod-template-hash': '7d9f8c' }, owner: rs, states: { app: 'crash' }, restarts: 9 }),
    pod({ namespace: 'prod', name: 'payments-api-7d9f8c-ccccc', labels: { app: 'payments-api', 'pod-template-hash': '7d9f8c' }, owner: rs, states: { app: 'crash' }, restarts: 4 }),
    pod({ namespace: 'prod', name: 'redis-0', labels: { app: 'redis' }, owner: { kind: 'StatefulSet', name: 'redis' }, states: { app: 'healthy' } }),
    pod({ namespace: 'stage', name: 'redis-0', labels: { app: 'redis' }, owner: { kind: 'StatefulSet', name: 'redis' }, states: { app: 'crash' } }),
    pod({ namespace: 'prod', name: 'worker-5c6d7-zzzzz', labels: { app: 'worker', 'pod-template-hash': '5c6d7' }, owner: { kind: 'ReplicaSet', name: 'worker-5c6d7' }, states: { app: 'crash' } }),
    pod({ namespace: 'kube-system', name: 'coredns-abc12-qqqqq', labels: { k8s: 'dns' }, states: { app: 'crash' }, restarts: 50 }),
  );
  gw.workloads.push(
    { kind: 'Deployment', object: { metadata: { name: 'payments-api', namespace: 'prod' }, spec: { selector: { matchLabels: { app: 'payments-api' } }, template: {} } } },
    { kind: 'Deployment', object: { metadata: { name: 'idle', namespace: 'prod' }, spec: { selector: { matchLabels: { app: 'idle' } }, template: {} } } },
    { kind: 'StatefulSet', object: { metadata: { name: 'redis', namespace: 'stage' }, spec: { selector: { matchLabels: { app: 'redis' } }, serviceName: 'redis', template: {} } } },
  );
  return gw;
}

describe('resolveTarget', () => {
  it('resolves ns/pod with a single GET', async () => {
    const gw = cluster();
    expect(await resolveTarget(gw, { text: 'prod/redis-0' })).toEqual({ kind: 'pod', namespace: 'prod', name: 'redis-0' });
    expect(gw.calls).toEqual(['getPod prod/redis-0']);
  });

  it('resolves a deployment name to its worst pod', async () => {
    const result = await resolveTarget(cluster(), { text: 'payments-api', namespace: 'prod' });
    expect(result).toEqual({ kind: 'pod', namespace: 'prod', name: 'payments-api-7d9f8c-bbbbb', via: { kind: 'Deployment', name: 'payments-api' } });
    expect(await resolveTarget(cluster(), { text: 'deploy/payments-api' })).toMatchObject({ kind: 'pod', name: 'payments-api-7d9f8c-bbbbb' });
  });

  it('resolves a bare pod name across namespaces, and reports ambiguity', async () => {
    expect(await resolveTarget(cluster(), { text: 'worker-5c6d7-zzzzz' })).toEqual({ kind: 'pod', namespace: 'prod', name: 'worker-5c6d7-zzzzz' });
    const both = await resolveTarget(cluster(), { text: 'redis-0' });
    expect(both.kind).toBe('ambiguous');
    if (both.kind === 'ambiguous') {
      expect(both.candidates.map((c) => `${c.namespace}/${c.name}`)).toEqual(['stage/redis-0', 'prod/redis-0']);
      expect(both.candidates[0]?.reason).toMatch(/CrashLoopBackOff, 5 restarts/);
    }
  });

  it('picks the crashing replica for a prefix of one workload', async () => {
    expect(await resolveTarget(cluster(), { text: 'payments' })).toEqual({ kind: 'pod', namespace: 'prod', name: 'payments-api-7d9f8c-bbbbb' });
  });

  it('resolves a statefulset name without a namespace', async () => {
    expect(await resolveTarget(cluster(), { text: 'redis' })).toEqual({ kind: 'pod', namespace: 'stage', name: 'redis-0', via: { kind: 'StatefulSet', name: 'redis' } });
  });

  it('suggests close names when nothing matches', async () => {
    const result = await resolveTarget(cluster(), { text: 'paymnets-api', namespace: 'prod' });
    expect(result.kind).toBe('not-found');
    if (result.kind === 'not-found') {
      expect(result.suggestions[0]).toBe('payments-api');
      expect(result.message).toMatch(/No pod or workload named "paymnets-api" in namespace prod\. Did you mean: payments-api/);
    }
  });

  it('says when a workload has no pods', async () => {
    expect(await resolveTarget(cluster(), { text: 'idle', namespace: 'prod' })).toMatchObject({ kind: 'not-found', message: expect.stringMatching(/Deployment "idle" has no pods/) });
  });

  it('honours allowed namespace globs', async () => {
    const gw = cluster();
    expect(await resolveTarget(gw, { text: 'coredns', allowedNamespaces: ['prod', 'stage'] })).toMatchObject({ kind: 'not-found' });
    expect(gw.calls).toContain('listPods prod');
    expect(gw.calls).not.toContain('listPods *');
    expect(await resolveTarget(cluster(), { text: 'kube-system/coredns-abc12-qqqqq', allowedNamespaces: ['st*'] })).toMatchObject({
      kind: 'not-found',
      message: expect.stringMatching(/not one this bot may look at/),
    });
    expect(await resolveTarget(cluster(), { text: 'redis-0', allowedNamespaces: ['st*'] })).toEqual({ kind: 'pod', namespace: 'stage', name: 'redis-0' });
  });

  it('reports a malformed target as not-found with the reason', async () => {
    expect(await resolveTarget(cluster(), { text: 'Bad_Name' })).toMatchObject({ kind: 'not-found', message: expect.stringMatching(/not a valid Kubernetes name/) });
  });
});

describe('listCrashingPods', () => {
  it('lists crashing pods worst first, within the allowed namespaces', async () => {
    const all = await listCrashingPods(cluster());
    expect(all.map((p) => `${p.namespace}/${p.name}`)).toEqual([
      'kube-system/coredns-abc12-qqqqq',
      'prod/payments-api-7d9f8c-bbbbb',
      'prod/worker-5c6d7-zzzzz',
      'stage/redis-0',
      'prod/payments-api-7d9f8c-ccccc',
    ]);
    const scoped = await listCrashingPods(cluster(), ['prod']);
    expect(scoped[0]).toEqual({ namespace: 'prod', name: 'payments-api-7d9f8c-bbbbb', container: 'app', restarts: 9, reason: 'CrashLoopBackOff', crashLooping: true });
    expect(scoped.every((p) => p.namespace === 'prod')).toBe(true);
  });
});

describe('isCrashing', () => {
  it('counts a running init container between crashes while the pod is not ready, not a healthy pod with old restarts', async () => {
    const { isCrashing } = await import('../../../src/cluster/pod-health.ts');
    const between = pod({ name: 'init-1', initContainers: ['migrate'], states: { migrate: 'running' }, restarts: 3 });
    between.status = { ...between.status, conditions: [{ type: 'Ready', status: 'False' }] };
    expect(isCrashing(between)).toBe(true);
    const healthy = pod({ name: 'web-1', states: { app: 'running' }, restarts: 3 });
    healthy.status = { ...healthy.status, conditions: [{ type: 'Ready', status: 'True' }] };
    expect(isCrashing(healthy)).toBe(false);
    expect(isCrashing(pod({ name: 'fresh', states: { app: 'first-fail' } }))).toBe(true);
  });
});

describe('helpers', () => {
  it('evaluates label selectors', () => {
    expect(matchesSelector({ app: 'a', tier: 'web' }, { matchLabels: { app: 'a' } })).toBe(true);
    expect(matchesSelector({ app: 'a' }, { matchLabels: { app: 'b' } })).toBe(false);
    expect(matchesSelector({ app: 'a' }, { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] })).toBe(true);
    expect(matchesSelector({ app: 'a' }, { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] })).toBe(true);
    expect(matchesSelector({ app: 'a' }, {})).toBe(false);
  });

  it('groups replicas of one deployment across ReplicaSets', () => {
    const a = pod({ name: 'api-111aa-x', labels: { 'pod-template-hash': '111aa' }, owner: { kind: 'ReplicaSet', name: 'api-111aa' } });
    const b = pod({ name: 'api-222bb-y', labels: { 'pod-template-hash': '222bb' }, owner: { kind: 'ReplicaSet', name: 'api-222bb' } });
    expect(workloadKeyOf(a)).toBe('default/Deployment/api');
    expect(workloadKeyOf(b)).toBe(workloadKeyOf(a));
  });
});
