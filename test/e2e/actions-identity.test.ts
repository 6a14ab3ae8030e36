// The optional Kubernetes identity mode on a real API server with RBAC: each click is checked with a
// SubjectAccessReview for the mapped user and executed impersonating that user.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cluster, deleteNamespace, kubectl, kubectlJson, newNamespace } from '../cluster/harness.ts';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { createActionExecutor, type ActionExecutorHandle } from '../../src/actions/executor.ts';
import { KubeClusterWriter } from '../../src/cluster/actions/cluster-writer.ts';
import { parsePolicy } from '../../src/auth/policy.ts';
import { ActionStateStore } from '../../src/slack/action-state.ts';
import { ACTION_IDS } from '../../src/actions/types.ts';
import type { JsonObject } from '../../src/actions/json.ts';
import { withHistory } from '../actions/support/workloads.ts';

let server: TestRedis;
let redis: Redis;
let ns = '';
let executor: ActionExecutorHandle;
let states: ActionStateStore;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
  ns = await newNamespace('identity');
  const prefix = uniqueName('identity');
  states = new ActionStateStore(redis, { prefix });
  const writer = KubeClusterWriter.fromKubeConfig({ kubeconfig: cluster().kubeconfig, clusterName: 'kwok' });
  executor = createActionExecutor({
    redis,
    prefix,
    states,
    writerFor: () => writer,
    slack: { postMessage: async () => ({ ts: '1.1' }), updateMessage: async () => {}, uploadFile: async () => {}, userGroups: async () => [] },
    policy: parsePolicy('rules: [{namespaces: ["identity-*"], write: ["*"]}]\nkubernetes: {userFrom: id, userPrefix: "slack:", groups: ["crashloop-users"]}\n'),
    logger: { info() {}, warn() {} },
    settings: { followTimeoutMs: 1 },
  });
});

afterAll(async () => {
  await executor?.drain();
  redis?.disconnect();
  await server?.stop();
  await deleteNamespace(ns);
});

function role(name: string, rules: JsonObject[]): string {
  return JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: ns }, rules });
}
function binding(name: string, user: string): string {
  return JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }] });
}
function spec(d: JsonObject): string {
  return JSON.stringify({ spec: d.spec, annotations: (d.metadata as JsonObject).annotations });
}

describe('Kubernetes identity mode', () => {
  it('denies by RBAC, runs as the user (their missing rights fail the action), and succeeds once granted', async () => {
    await withHistory(ns, 'Deployment', 'api', 2);
    const stateId = await states.save({ v: 1, cluster: 'kwok', namespace: ns, pod: 'unused', workload: { kind: 'Deployment', name: 'api' }, toRevision: 1, channel: 'C0', createdAt: new Date().toISOString() });
    const request = (user: string, actionTs: string) => ({ actionId: ACTION_IDS.rolloutUndo, stateId, user: { id: user }, channel: 'C0', messageTs: '1.0', threadTs: '1.0', actionTs });
    const before = spec(await kubectlJson<JsonObject>(['-n', ns, 'get', 'deployment', 'api']));

    const denied = await executor.execute(request('UNOBODY1', '1.1'));
    expect(denied.status).toBe('denied');
    expect(denied.message).toContain(`may not patch apps/deployments api in namespace ${ns}: Kubernetes RBAC denies it to slack:UNOBODY1`);

    // Patch alone passes the review, but the rollback also reads the Deployment and lists ReplicaSets as the user.
    await kubectl(['apply', '-f', '-'], { input: role('patch-only', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'] }]) });
    await kubectl(['apply', '-f', '-'], { input: binding('patch-only', 'slack:UPATCH01') });
    const forbidden = await executor.execute(request('UPATCH01', '1.2'));
    expect(forbidden.status).toBe('failed');
    expect(forbidden.message).toMatch(/Deployment .*api|forbidden/i);
    expect(spec(await kubectlJson<JsonObject>(['-n', ns, 'get', 'deployment', 'api']))).toBe(before);

    await kubectl(['apply', '-f', '-'], { input: role('rollback', [{ apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: ['get', 'list', 'patch'] }]) });
    await kubectl(['apply', '-f', '-'], { input: binding('rollback', 'slack:UPATCH01') });
    const done = await executor.execute(request('UPATCH01', '1.3'));
    expect(done).toEqual({ status: 'done', message: 'rolled back api to revision 1', replyKey: expect.stringMatching(/^action:crashloop_rollout_undo:/) });
    expect(spec(await kubectlJson<JsonObject>(['-n', ns, 'get', 'deployment', 'api']))).not.toBe(before);
  });
});
