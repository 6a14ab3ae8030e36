import { describe, expect, it } from 'vitest';
import { diffTemplates, formatDiff } from '../../../src/actions/rollback/template-diff.ts';
import { rolloutStatus } from '../../../src/actions/rollback/rollout-status.ts';

describe('diffTemplates', () => {
  it('lists image, command, args, env names and resources, never env values', () => {
    const current = { spec: { containers: [{ name: 'api', image: 'api:7', command: ['/app'], env: [{ name: 'DB_PASSWORD', value: 's3cr3t-test' }], resources: { limits: { memory: '256Mi' } } }] } };
    const target = { spec: { containers: [{ name: 'api', image: 'api:6', command: ['/app'], args: ['--old'], env: [{ name: 'DB_PASSWORD', value: 'other' }, { name: 'DEBUG', value: '1' }], resources: { limits: { memory: '128Mi' } } }] } };
    const changes = diffTemplates(current, target);
    expect(changes).toEqual([
      { container: 'api', field: 'image', before: 'api:7', after: 'api:6' },
      { container: 'api', field: 'args', before: '(none)', after: '--old' },
      { container: 'api', field: 'env', before: 'DB_PASSWORD', after: 'DB_PASSWORD, DEBUG' },
      { container: 'api', field: 'resources', before: 'limits memory=256Mi', after: 'limits memory=128Mi' },
    ]);
    expect(formatDiff(changes)).not.toContain('s3cr3t');
  });

  it('masks passwords in command and args (the issue\'s --db-password NewHunter2 → OldHunter2)', () => {
    const current = { spec: { containers: [{ name: 'api', image: 'api:7', args: ['--db-password', 'NewHunter2', '--dsn=postgres://u:NewHunter3@db/x'] }] } };
    const target = { spec: { containers: [{ name: 'api', image: 'api:7', args: ['--db-password', 'OldHunter2', '--dsn=postgres://u:OldHunter3@db/x'] }] } };
    const changes = diffTemplates(current, target);
    const text = formatDiff(changes);
    for (const secret of ['NewHunter2', 'OldHunter2', 'NewHunter3', 'OldHunter3']) expect(text).not.toContain(secret);
    expect(changes).toEqual([
      { container: 'api', field: 'args', before: '--db-password [REDACTED] --dsn=postgres://u:[REDACTED]@db/x', after: '--db-password [REDACTED] --dsn=postgres://u:[REDACTED]@db/x (a masked value differs)' },
    ]);
  });
});

describe('rolloutStatus', () => {
  const base = { metadata: { generation: 3 }, spec: { replicas: 3 } };
  it('follows a Deployment the way kubectl rollout status does', () => {
    expect(rolloutStatus('Deployment', { ...base, status: { observedGeneration: 2 } }).state).toBe('progressing');
    expect(rolloutStatus('Deployment', { ...base, status: { observedGeneration: 3, replicas: 3, updatedReplicas: 3, availableReplicas: 2 } })).toMatchObject({ state: 'progressing', message: '2/3 ready…' });
    expect(rolloutStatus('Deployment', { ...base, status: { observedGeneration: 3, replicas: 3, updatedReplicas: 3, availableReplicas: 3 } }).state).toBe('complete');
    expect(rolloutStatus('Deployment', { ...base, status: { observedGeneration: 3, conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded', message: 'too slow' }] } }).state).toBe('failed');
  });
  it('follows StatefulSets and DaemonSets', () => {
    expect(rolloutStatus('StatefulSet', { ...base, status: { observedGeneration: 3, readyReplicas: 3, currentRevision: 'a', updateRevision: 'b', updatedReplicas: 1 } }).state).toBe('progressing');
    expect(rolloutStatus('StatefulSet', { ...base, status: { observedGeneration: 3, readyReplicas: 3, currentRevision: 'b', updateRevision: 'b' } }).state).toBe('complete');
    expect(rolloutStatus('DaemonSet', { metadata: { generation: 1 }, status: { observedGeneration: 1, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 } }).state).toBe('complete');
  });
});
