import { describe, expect, it } from 'vitest';
import { planControllerRevisionRollback, planDeploymentRollback } from '../../../src/actions/rollback/plan-rollback.ts';
import type { JsonObject } from '../../../src/actions/json.ts';

const UID = 'uid-deploy-1';

function template(image: string, hash?: string): JsonObject {
  const labels: JsonObject = { app: 'api' };
  if (hash !== undefined) labels['pod-template-hash'] = hash;
  return { metadata: { labels }, spec: { containers: [{ name: 'api', image }] } };
}

function deployment(image: string, extra: JsonObject = {}): JsonObject {
  return {
    metadata: {
      name: 'api',
      namespace: 'default',
      uid: UID,
      annotations: { 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': 'set image v3', team: 'payments' },
    },
    spec: { selector: { matchLabels: { app: 'api' } }, template: template(image), ...extra },
  };
}

function rs(revision: string | undefined, image: string, annotations: JsonObject = {}, owner = UID): JsonObject {
  const ann: JsonObject = { ...annotations };
  if (revision !== undefined) ann['deployment.kubernetes.io/revision'] = revision;
  return {
    metadata: { name: `api-${image}`, annotations: ann, ownerReferences: [{ kind: 'Deployment', name: 'api', uid: owner, controller: true }] },
    spec: { template: template(image, `h${image}`) },
  };
}

const history = [
  rs('1', 'v1', { 'kubernetes.io/change-cause': 'set image v1', 'deployment.kubernetes.io/desired-replicas': '3' }),
  rs('2', 'v2', { 'kubernetes.io/change-cause': 'set image v2' }),
  rs('3', 'v3', { 'kubernetes.io/change-cause': 'set image v3' }),
];

describe('planDeploymentRollback', () => {
  it("defaults to the second newest revision and builds kubectl's JSON patch", () => {
    const plan = planDeploymentRollback(deployment('v3'), history, 0);
    expect(plan.kind).toBe('patch');
    if (plan.kind !== 'patch') return;
    expect(plan.revision).toBe(2);
    expect(plan.patch).toEqual({
      type: 'json',
      body: [
        { op: 'replace', path: '/spec/template', value: template('v2') },
        // skip-listed annotations kept from the Deployment, the rest from the ReplicaSet; `team` is dropped like kubectl does
        { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': 'set image v2' } },
      ],
    });
  });

  it('honours --to-revision and never copies skip-listed annotations from the ReplicaSet', () => {
    const plan = planDeploymentRollback(deployment('v3'), history, 1);
    if (plan.kind !== 'patch' || !Array.isArray(plan.patch.body)) throw new Error('expected a patch');
    expect(plan.revision).toBe(1);
    expect(plan.patch.body[1]).toEqual({ op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': 'set image v1' } });
  });

  it("reports a missing revision with kubectl's message", () => {
    expect(planDeploymentRollback(deployment('v3'), history, 7)).toEqual({ kind: 'error', message: 'unable to find specified revision 7 in history' });
    expect(planDeploymentRollback(deployment('v3'), history, -1)).toEqual({ kind: 'error', message: 'unable to find specified revision -1 in history' });
  });

  it('refuses a paused deployment', () => {
    expect(planDeploymentRollback(deployment('v3', { paused: true }), history, 0)).toEqual({
      kind: 'error',
      message: "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
    });
  });

  it('skips when the template already matches, ignoring pod-template-hash', () => {
    expect(planDeploymentRollback(deployment('v2'), history, 2)).toMatchObject({ kind: 'skipped', message: 'skipped rollback (current template already matches revision 2)' });
  });

  it('ignores ReplicaSets controlled by someone else and needs two revisions', () => {
    const foreign = [rs('1', 'v1', {}, 'other'), rs('3', 'v3')];
    expect(planDeploymentRollback(deployment('v3'), foreign, 0)).toEqual({ kind: 'error', message: 'no rollout history found for deployment "api"' });
  });

  it('treats a ReplicaSet without a revision annotation as revision 0 and skips unparsable ones', () => {
    const odd = [rs(undefined, 'v0'), rs('x', 'vx'), rs('3', 'v3')];
    const plan = planDeploymentRollback(deployment('v3'), odd, 0);
    expect(plan.kind === 'patch' ? plan.source : plan.kind).toBe('api-v0');
  });
});

function sts(image: string): JsonObject {
  return { metadata: { name: 'db', uid: 'uid-sts' }, spec: { template: template(image) } };
}
function cr(revision: number, image: string, owner = 'uid-sts'): JsonObject {
  return {
    metadata: { name: `db-${revision}`, ownerReferences: [{ uid: owner, controller: true }] },
    revision,
    data: { spec: { template: { ...template(image), $patch: 'replace' } } },
  };
}

describe('planControllerRevisionRollback', () => {
  const revisions = [cr(3, 'v3'), cr(1, 'v1'), cr(2, 'v2'), cr(9, 'v9', 'someone-else')];

  it("applies the previous revision's data as a strategic merge patch", () => {
    const plan = planControllerRevisionRollback(sts('v3'), revisions, 0);
    expect(plan).toMatchObject({ kind: 'patch', revision: 2, source: 'db-2', patch: { type: 'strategic', body: cr(2, 'v2').data } });
  });

  it('skips a matching revision, errors on an unknown one or a single revision', () => {
    expect(planControllerRevisionRollback(sts('v1'), revisions, 1)).toMatchObject({ kind: 'skipped', message: 'skipped rollback (current template already matches revision 1)' });
    expect(planControllerRevisionRollback(sts('v3'), revisions, 9)).toEqual({ kind: 'error', message: 'unable to find specified revision 9 in history' });
    expect(planControllerRevisionRollback(sts('v3'), [cr(3, 'v3')], 0)).toEqual({ kind: 'error', message: 'no last revision to roll back to' });
  });
});
