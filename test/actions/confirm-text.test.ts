import { describe, expect, it } from 'vitest';
import { deleteCopyConfirm, revertConfirm, rollbackConfirm, rollbackConfirmText, sleepOverrideConfirm } from '../../src/actions/confirm-text.ts';
import { ACTION_IDS } from '../../src/actions/types.ts';
import { button, CONFIRM_LIMITS } from '../../src/slack/render/buttons.ts';
import { renderReport } from '../../src/slack/render/report.ts';
import { renderParent } from '../../src/incidents/parent-message.ts';
import type { Incident } from '../../src/incidents/store.ts';
import { sampleReport } from '../slack/sample-report.ts';
import type { RolloutChange } from '../../diagnostics/types.ts';

const change: RolloutChange = {
  owner: { kind: 'Deployment', name: 'payments-api' },
  fromRevision: 6,
  toRevision: 7,
  crashesBeganAfter: true,
  changes: [
    { field: 'image', container: 'api', before: 'api:6', after: 'api:7' },
    { field: 'env (names)', container: 'api', before: 'DB_HOST', after: 'DB_HOST, DB_PASSWORD' },
    { field: 'securityContext', container: 'api', before: '{}', after: '{"runAsNonRoot":true}' },
  ],
};

describe('rollbackConfirmText', () => {
  it('names the target revision and what goes back, newest to oldest', () => {
    expect(rollbackConfirmText(6, change).text).toBe(
      'Roll back deployment/payments-api to revision 6, like `kubectl rollout undo --to-revision=6`.\n• api image: api:7 → api:6\n• api env (names): DB_HOST, DB_PASSWORD → DB_HOST',
    );
  });
  it('stays within Slack’s 300 characters', () => {
    const many = { ...change, changes: Array.from({ length: 30 }, (_, i) => ({ field: 'image', container: `c${i}`, before: `img:${i}`, after: `img:${i + 1}` })) };
    const text = rollbackConfirmText(6, many).text;
    expect(text.length).toBeLessThanOrEqual(300);
    expect(text.endsWith('…')).toBe(true);
  });
  it('does not claim a diff for a revision the report did not compare', () => {
    expect(rollbackConfirmText(3, change).text).toBe('Roll back deployment/payments-api to revision 3, like `kubectl rollout undo --to-revision=3`.');
  });
});

describe('confirm dialogs name the object, namespace, cluster and change', () => {
  const where = { cluster: 'prod-eu', namespace: 'payments' };

  it('rollback: from revision X to Y, with a title that says so', () => {
    const dialog = rollbackConfirm(6, { ...where, kind: 'Deployment', name: 'payments-api', fromRevision: 7 }, change);
    expect(dialog.title).toBe('Roll back payments-api to revision 6?');
    expect(dialog.confirm).toBe('Roll back to 6');
    expect(dialog.text.text).toBe(
      'Roll back `deployment/payments-api` in namespace `payments` on cluster `prod-eu` from revision 7 to revision 6, like `kubectl rollout undo --to-revision=6`.\n• api image: api:7 → api:6\n• api env (names): DB_HOST, DB_PASSWORD → DB_HOST',
    );
  });

  it('sleep override: the real command it sets and the object it modifies', () => {
    const dialog = sleepOverrideConfirm({ ...where, kind: 'StatefulSet', name: 'ledger', pod: 'ledger-0', container: 'db', command: 'sleep 7200' });
    expect(dialog.title).toBe('Put ledger to sleep for debugging?');
    expect(dialog.text.text).toContain('MODIFIES `statefulset/ledger` in namespace `payments` on cluster `prod-eu`: container `db` will run `sleep 7200`');
    expect(dialog.text.text).not.toContain('3600');
  });

  it('delete now and revert name the copy and the workload', () => {
    const del = deleteCopyConfirm({ ...where, copy: 'api-7d9f-debug-x1y2', of: 'api-7d9f' });
    expect(del.title).toBe('Delete debug copy api-7d9f-debug-x1y2?');
    expect(del.text.text).toContain('`api-7d9f-debug-x1y2` in namespace `payments` on cluster `prod-eu`');
    expect(revertConfirm({ ...where, kind: 'Deployment', name: 'api' }, 2).title).toBe('Revert api and discard 2 changes?');
  });

  it('stays within Slack’s caps once rendered, whatever the names (title 100, text 300, buttons 30), escaped', () => {
    const long = `a&<b>${'x'.repeat(300)}`;
    const rendered = button(ACTION_IDS.rolloutUndo, 's', { style: 'danger', confirm: rollbackConfirm(6, { cluster: long, namespace: long, kind: 'Deployment', name: long, fromRevision: 7 }, change) }).confirm;
    expect(rendered?.title.text.length).toBeLessThanOrEqual(CONFIRM_LIMITS.title);
    expect(rendered?.title.text).toContain('a&amp;&lt;b&gt;');
    expect(rendered?.text.text.length).toBeLessThanOrEqual(CONFIRM_LIMITS.text);
    expect(rendered?.confirm.text.length).toBeLessThanOrEqual(CONFIRM_LIMITS.button);
    expect(rendered?.deny.text).toBe('Cancel');
  });

  it('every danger button of the report, the incident parent and the follow-ups confirms with a specific title', () => {
    const stateIds = Object.fromEntries(Object.values(ACTION_IDS).map((id) => [id, 's1']));
    const report = renderReport(sampleReport(), { cluster: 'prod-eu', stateIds, workload: { kind: 'Deployment', name: 'payments-api' }, debugCommand: 'sleep 900' });
    const incident: Incident = {
      key: { cluster: 'prod-eu', namespace: 'payments', workload: 'Deployment/payments-api' }, channel: 'C1', status: 'firing', openedAt: new Date(Date.now() - 60_000).toISOString(),
      generation: 0, containers: ['api'], alertnames: ['KubePodCrashLooping'], restartBand: 1, folded: 0, unchanged: 0,
      diagnosis: { cause: 'oom-killed', title: 't', container: 'api', pod: 'payments-api-1', namespace: 'payments', fix: 'f', confidence: 0.9, diagnosedAt: new Date().toISOString(), stateId: 's1', rollbackRevision: 6, currentRevision: 7, debugCommand: 'sleep 900' },
    };
    const parent = renderParent(incident, new Date());
    const all = [...report.blocks, ...parent.blocks].flatMap((b) => (b.type === 'actions' ? b.elements : []));
    const danger = all.filter((e) => e.style === 'danger');
    expect(danger.length).toBeGreaterThanOrEqual(2);
    for (const e of [...danger, ...all.filter((e) => e.action_id === ACTION_IDS.sleepOverride)]) {
      expect(e.confirm?.title.text).toBeDefined();
      expect(e.confirm?.title.text).not.toMatch(/are you sure/i);
      expect(e.confirm?.text.text).toContain('prod-eu');
      expect(e.confirm?.text.text).toContain('payments');
    }
    const override = all.filter((e) => e.action_id === ACTION_IDS.sleepOverride);
    expect(override.map((e) => e.confirm?.text.text.includes('`sleep 900`'))).toEqual([true, true]);
    const parentRollback = parent.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e) => e.action_id === ACTION_IDS.rolloutUndo);
    expect(parentRollback?.confirm?.text.text).toContain('`deployment/payments-api` in namespace `payments` on cluster `prod-eu` from revision 7 to revision 6');
  });
});
