import { describe, expect, it } from 'vitest';
import type { V1ControllerRevision, V1ReplicaSet } from '@kubernetes/client-node';
import { decodeRevisionTemplate, formatLabelSelector, revisionsFromControllerRevisions, revisionsFromReplicaSets } from '../../../src/cluster/history.ts';

const owner = { kind: 'Deployment', name: 'api', uid: 'uid-deploy' };

function rs(name: string, revision: string | undefined, image: string, ownerUid = 'uid-deploy'): V1ReplicaSet {
  return {
    metadata: {
      name,
      namespace: 'prod',
      creationTimestamp: new Date('2026-01-0' + (revision ?? '9') + 'T00:00:00Z'),
      annotations: revision === undefined ? {} : { 'deployment.kubernetes.io/revision': revision, 'kubernetes.io/change-cause': `rev ${revision}` },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', uid: ownerUid, controller: true }],
    },
    spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image }] } } },
  };
}

describe('formatLabelSelector', () => {
  it('renders matchLabels and every expression operator', () => {
    expect(
      formatLabelSelector({
        matchLabels: { app: 'api', tier: 'web' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'stage'] },
          { key: 'canary', operator: 'NotIn', values: ['true'] },
          { key: 'team', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=api,tier=web,env in (prod,stage),canary notin (true),team,!legacy');
    expect(formatLabelSelector({})).toBeUndefined();
    expect(formatLabelSelector(undefined)).toBeUndefined();
  });
});

describe('revisionsFromReplicaSets', () => {
  it('keeps owned, annotated ReplicaSets sorted by revision with change cause and time', () => {
    const revisions = revisionsFromReplicaSets([rs('api-b', '2', 'app:2.0'), rs('api-a', '1', 'app:1.0'), rs('other', '3', 'x', 'uid-other'), rs('api-c', undefined, 'y')], owner);
    expect(revisions.map((r) => [r.revision, r.name, r.template.spec?.containers[0]?.image, r.changeCause])).toEqual([
      [1, 'api-a', 'app:1.0', 'rev 1'],
      [2, 'api-b', 'app:2.0', 'rev 2'],
    ]);
    expect(revisions[0]?.createdAt).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('ControllerRevision history', () => {
  const data = { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16', $retainKeys: ['x'] }] } } } };

  it('decodes the template patch from an object or JSON text, dropping merge directives', () => {
    for (const input of [data, JSON.stringify(data)]) {
      const template = decodeRevisionTemplate(input);
      expect(template).toEqual({ metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } });
    }
    expect(decodeRevisionTemplate('{not json')).toBeUndefined();
    expect(decodeRevisionTemplate({ spec: {} })).toBeUndefined();
  });

  it('turns owned revisions into Revision entries', () => {
    const cr = (name: string, revision: number, ownerUid: string): V1ControllerRevision => ({
      metadata: { name, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: ownerUid }] },
      revision,
      data,
    });
    const revisions = revisionsFromControllerRevisions([cr('db-2', 2, 'u1'), cr('db-1', 1, 'u1'), cr('x-1', 7, 'u2')], { kind: 'StatefulSet', name: 'db', uid: 'u1' });
    expect(revisions.map((r) => [r.revision, r.name])).toEqual([[1, 'db-1'], [2, 'db-2']]);
    expect(revisions[1]?.template.spec?.containers[0]?.image).toBe('postgres:16');
  });
});
