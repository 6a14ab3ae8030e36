import { describe, expect, it } from 'vitest';
import { buildDebugCopy, debugCopyName, execCommand } from '../../../src/actions/debug/build-debug-copy.ts';
import { APPLIED_TEMPLATE_ANNOTATION, planRevert, planSleepOverride, ORIGINAL_TEMPLATE_ANNOTATION } from '../../../src/actions/debug/sleep-override.ts';
import type { JsonObject } from '../../../src/actions/json.ts';

const probe = { httpGet: { path: '/healthz', port: 8080 } };
const pod: JsonObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'payments-api-7d9f-abcde',
    namespace: 'payments',
    uid: 'u-1',
    resourceVersion: '42',
    labels: { app: 'payments-api', 'pod-template-hash': '7d9f' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'payments-api-7d9f', uid: 'rs-1', controller: true }],
    creationTimestamp: '2026-01-01T00:00:00Z',
  },
  spec: {
    nodeName: 'node-1',
    priority: 0,
    initContainers: [{ name: 'migrate', image: 'm:1', command: ['migrate'] }],
    containers: [
      { name: 'api', image: 'api:2', command: ['/app'], args: ['--port', '8080'], livenessProbe: probe, readinessProbe: probe, startupProbe: probe },
      { name: 'proxy', image: 'envoy:1', readinessProbe: probe },
    ],
  },
  status: { phase: 'Running' },
};

describe('buildDebugCopy', () => {
  const copy = buildDebugCopy(pod, { container: 'api', ttlSeconds: 3600, createdBy: 'alice', incident: 'prod/payments/Deployment/payments-api', now: new Date('2026-11-22T00:00:00Z'), suffix: 'a1b2c3' });

  it('keeps the spec, sleeps the container and strips everything that would tie the copy to the workload', () => {
    expect(copy).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'payments-api-7d9f-abcde-debug-a1b2c3',
        namespace: 'payments',
        annotations: {
          'crashloop.dev/debug-copy-of': 'payments-api-7d9f-abcde',
          'crashloop.dev/created-by': 'alice',
          'crashloop.dev/incident': 'prod/payments/Deployment/payments-api',
          'crashloop.dev/expires-at': '2026-11-22T01:00:00.000Z',
        },
      },
      spec: {
        activeDeadlineSeconds: 3600,
        initContainers: [{ name: 'migrate', image: 'm:1', command: ['migrate'] }],
        containers: [
          { name: 'api', image: 'api:2', command: ['sleep', '3600'] },
          { name: 'proxy', image: 'envoy:1' },
        ],
      },
    });
  });

  it('does not modify the source pod', () => {
    expect((pod.spec as JsonObject).nodeName).toBe('node-1');
  });

  it('keeps names within 63 characters and rejects an unknown container', () => {
    expect(debugCopyName('x'.repeat(80), 'abc123')).toHaveLength(63);
    expect(() => buildDebugCopy(pod, { container: 'nope', ttlSeconds: 60, createdBy: 'a', now: new Date() })).toThrow(/"nope"/);
    expect(execCommand('payments', 'p-debug-1', 'api')).toBe('kubectl exec -it p-debug-1 -n payments -c api -- sh');
  });
});

describe('sleep override plans', () => {
  const deployment: JsonObject = { metadata: { name: 'payments-api', generation: 7 }, spec: { template: { metadata: { labels: { app: 'x' } }, spec: pod.spec as JsonObject } } };

  it('records the whole original template and patches only the chosen container', () => {
    const plan = planSleepOverride(deployment, 'api', ['sleep', '3600'], 'alice');
    if (plan.kind !== 'patch' || !Array.isArray(plan.body)) throw new Error('expected a patch');
    expect(plan.body[0]).toEqual({ op: 'test', path: '/metadata/generation', value: 7 });
    expect(plan.body[1]).toEqual({ op: 'add', path: '/metadata/annotations', value: {} });
    expect(plan.body[2]).toEqual({ op: 'add', path: '/metadata/annotations/crashloop.dev~1sleep-override-original', value: JSON.stringify((deployment.spec as JsonObject).template) });
    const replaced = plan.body[5] as JsonObject;
    const containers = ((replaced.value as JsonObject).spec as JsonObject).containers as JsonObject[];
    expect(containers[0]).toEqual({ name: 'api', image: 'api:2', command: ['sleep', '3600'] });
    expect(containers[1]).toEqual({ name: 'proxy', image: 'envoy:1', readinessProbe: probe });
  });

  it('refuses a second override and reverts to the saved template', () => {
    const overridden: JsonObject = { metadata: { generation: 8, annotations: { [ORIGINAL_TEMPLATE_ANNOTATION]: '{"spec":{"containers":[]}}' } }, spec: { template: {} } };
    expect(planSleepOverride(overridden, 'api', ['sleep', '1'], 'a')).toMatchObject({ kind: 'error' });
    expect(planRevert(overridden)).toEqual({
      kind: 'patch',
      body: [
        { op: 'test', path: '/metadata/generation', value: 8 },
        { op: 'replace', path: '/spec/template', value: { spec: { containers: [] } } },
        { op: 'remove', path: '/metadata/annotations/crashloop.dev~1sleep-override-original' },
      ],
    });
    expect(planRevert(deployment)).toMatchObject({ kind: 'error' });
  });

  it('records the applied template, and Revert refuses (naming the change) when the workload changed since', () => {
    const plan = planSleepOverride(deployment, 'api', ['sleep', '3600'], 'alice');
    if (plan.kind !== 'patch' || !Array.isArray(plan.body)) throw new Error('expected a patch');
    const applied = plan.body.find((op) => (op as JsonObject).path === '/metadata/annotations/crashloop.dev~1sleep-override-applied') as JsonObject;
    const replaced = plan.body.find((op) => (op as JsonObject).path === '/spec/template') as JsonObject;
    expect(JSON.parse(String(applied.value))).toEqual(replaced.value);

    const annotations = { [ORIGINAL_TEMPLATE_ANNOTATION]: JSON.stringify((deployment.spec as JsonObject).template), [APPLIED_TEMPLATE_ANNOTATION]: String(applied.value) };
    const untouched: JsonObject = { metadata: { generation: 8, annotations }, spec: { template: replaced.value as JsonObject } };
    expect(planRevert(untouched)).toMatchObject({ kind: 'patch' });

    const edited = structuredClone(untouched);
    const containers = (((edited.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[];
    (containers[0] as JsonObject).image = 'api:3';
    (containers[1] as JsonObject).args = ['--db-password', 'NewHunter2'];
    const refused = planRevert(edited);
    expect(refused).toEqual({ kind: 'changed', changes: ['container api: image api:2 → api:3', 'container proxy: args changed'] });
    expect(JSON.stringify(refused)).not.toContain('NewHunter2');

    const forced = planRevert(edited, { force: true });
    if (forced.kind !== 'patch' || !Array.isArray(forced.body)) throw new Error('expected a patch');
    expect(forced.body).toContainEqual({ op: 'replace', path: '/spec/template', value: (deployment.spec as JsonObject).template });
    expect(forced.body).toContainEqual({ op: 'remove', path: '/metadata/annotations/crashloop.dev~1sleep-override-applied' });
  });
});
