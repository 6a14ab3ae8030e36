import { describe, expect, it } from 'vitest';
import { diagnose } from '../../diagnostics/index.ts';
import { backoffFor, parseGoDuration } from '../../diagnostics/timeline.ts';
import { diffTemplates } from '../../diagnostics/change.ts';
import { buildSnapshot } from '../fixtures/diagnostics/build.ts';
import { CASES } from '../fixtures/diagnostics/cases.ts';

function snap(name: string): Record<string, unknown> {
  const c = CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name}`);
  return buildSnapshot(c);
}

describe('back-off timeline', () => {
  it('doubles from 10 s to the 300 s cap and resets after 10 minutes of running', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => backoffFor(n))).toEqual([10, 20, 40, 80, 160, 300, 300]);
    expect(backoffFor(8, 601)).toBe(10);
    expect(backoffFor(8, 599)).toBe(300);
  });

  it('parses kubelet durations', () => {
    expect(parseGoDuration('5m0s')).toBe(300);
    expect(parseGoDuration('2m40s')).toBe(160);
    expect(parseGoDuration('10s')).toBe(10);
    expect(parseGoDuration('bogus')).toBeUndefined();
  });

  it('reports restarts, last run, back-off from the waiting message and the next restart from capturedAt', () => {
    const r = diagnose(snap('oom-java-limit'));
    expect(r.timeline).toEqual([{
      container: 'api', restartCount: 7, lastRunSeconds: 95, lastExitCode: 137, lastReason: 'OOMKilled',
      lastFinishedAt: '2026-11-21T11:59:20Z', backoffSeconds: 300, nextRestartAt: '2026-11-21T12:04:20.000Z',
    }]);
  });

  it('computes the back-off when the waiting message has none', () => {
    const s = snap('unknown-no-logs-exit-1');
    const pod = s.pod as { status: { containerStatuses: { restartCount: number; state: { waiting: { message: string } } }[] } };
    const st = pod.status.containerStatuses[0];
    if (!st) throw new Error('no status');
    st.restartCount = 2;
    st.state.waiting.message = '';
    const t = diagnose(s).timeline[0];
    expect(t?.backoffSeconds).toBe(40);
    expect(t?.nextRestartAt).toBe('2026-11-21T12:00:00.000Z');
  });

  it('has no entry for a healthy pod', () => {
    expect(diagnose(snap('healthy-pod')).timeline).toEqual([]);
  });
});

describe('what changed', () => {
  it('diffs the two newest revisions, env by name only, and suggests a rollback', () => {
    const r = diagnose(snap('rollout-image-change'));
    expect(r.change).toEqual({
      owner: { kind: 'Deployment', name: 'api', namespace: 'default' },
      fromRevision: 2, toRevision: 3, changedAt: '2026-11-21T11:00:00Z', changeCause: 'deploy 2.0.0',
      changes: [
        { field: 'image', container: 'api', before: 'acme/api:1.9.3', after: 'acme/api:2.0.0' },
        { field: 'env (names)', container: 'api', before: 'LOG_LEVEL', after: 'FEATURE_X, LOG_LEVEL' },
      ],
      crashesBeganAfter: true,
    });
    expect(r.findings[0]?.cause).toBe('missing-dependency');
    const last = r.findings[r.findings.length - 1];
    expect(last?.fix.kind).toBe('rollback');
    expect(last?.fix.kind === 'rollback' && last.fix.toRevision).toBe(2);
    expect(last?.fix.commands.map((c) => c.command)).toContain('kubectl rollout undo deployment/api -n default --to-revision=2');
    expect(JSON.stringify(r)).not.toContain('"on"');
  });

  it('does not claim the crashes began after a revision created later than the first crash', () => {
    const s = snap('rollout-image-change');
    const history = s.history as { createdAt: string }[];
    if (history[0]) history[0].createdAt = '2026-11-21T11:59:59Z';
    const r = diagnose(s);
    expect(r.change?.crashesBeganAfter).toBe(false);
    expect(r.findings.some((f) => f.fix.kind === 'rollback')).toBe(false);
  });

  it('diffs command, args, resources and probes', () => {
    const before = { spec: { containers: [{ name: 'a', image: 'x:1', command: ['run'], resources: { limits: { memory: '256Mi' } }, livenessProbe: { httpGet: { path: '/h', port: 80 } } }] } };
    const after = { spec: { containers: [{ name: 'a', image: 'x:1', command: ['run', '--fast'], args: ['-v'], resources: { limits: { memory: '128Mi' } }, livenessProbe: { httpGet: { path: '/h', port: 8080 } } }] } };
    expect(diffTemplates(before, after).map((c) => c.field)).toEqual(['command', 'args', 'resources', 'livenessProbe']);
  });
});
