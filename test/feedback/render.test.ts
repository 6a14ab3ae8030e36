// The "Wrong diagnosis?" control in every place a report is shown, and its texts: the modal lists the
// taxonomy's cause ids, the thread line escapes the clicker's note.
import { describe, expect, it } from 'vitest';
import { CAUSE_IDS, type Report } from '../../diagnostics/types.ts';
import { diagnose } from '../../diagnostics/index.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { renderReport } from '../../src/slack/render/report.ts';
import { renderParent } from '../../src/incidents/parent-message.ts';
import { summarize } from '../../src/incidents/summary.ts';
import { feedbackAuditMessage, feedbackModal } from '../../src/feedback/render.ts';
import { FEEDBACK_ACTION_ID, FEEDBACK_VIEW_ID } from '../../src/feedback/types.ts';
import { readFileSync } from 'node:fs';

const feedbackButtons = (blocks: unknown[]): { action_id: string; value: string }[] =>
  (blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).flatMap((b) => b.elements ?? []).filter((e) => e.action_id === FEEDBACK_ACTION_ID);

const report = diagnose(crashingSnapshot({ namespace: 'shop', name: 'api-1', container: 'app', exitCode: 137, reason: 'OOMKilled', previousLog: 'starting' }));

describe('the button', () => {
  it('sits under a report with findings, carrying only the report id', () => {
    expect(feedbackButtons(renderReport(report, { cluster: 'prod', feedbackId: 'rep0rt-id_1' }).blocks)).toEqual([expect.objectContaining({ value: 'rep0rt-id_1' })]);
  });

  it('sits under "no crash found" too (a miss the engine cannot see itself)', () => {
    const healthy: Report = { ...report, findings: [], alternatives: [] };
    const rendered = renderReport(healthy, { cluster: 'prod', feedbackId: 'r2' });
    expect(JSON.stringify(rendered.blocks)).toContain('no crash found');
    expect(feedbackButtons(rendered.blocks)).toHaveLength(1);
  });

  it('is absent when the snapshot was not kept', () => {
    expect(feedbackButtons(renderReport(report, { cluster: 'prod' }).blocks)).toHaveLength(0);
  });

  it("sits under an incident's parent message", () => {
    const diagnosis = summarize(report, new Date('2026-12-08T00:00:00Z'), { stateId: 's1', feedbackId: 's1' });
    if (diagnosis === undefined) throw new Error('no summary');
    const parent = renderParent(
      { key: { cluster: 'prod', namespace: 'shop', workload: 'Deployment/api' }, channel: 'C0ALERTS', status: 'firing', openedAt: '2026-12-08T00:00:00Z', generation: 1, containers: ['app'], alertnames: ['KubePodCrashLooping'], restartBand: 1, diagnosis, folded: 0, unchanged: 0 },
      new Date('2026-12-08T00:05:00Z'),
    );
    expect(feedbackButtons(parent.blocks)).toEqual([expect.objectContaining({ value: 's1' })]);
  });
});

describe('the modal', () => {
  it('offers every cause id of the taxonomy but the one the report named, and the containers', () => {
    const view = feedbackModal({ privateMetadata: '{}', target: 'shop/api-1', engine: { cause: 'oom-killed', container: 'app', alternatives: [] }, containers: ['init-db', 'app'] });
    expect(view.callback_id).toBe(FEEDBACK_VIEW_ID);
    const inputs = view.blocks.filter((b): b is Extract<typeof b, { type: 'input' }> => b.type === 'input');
    const cause = inputs.find((b) => b.block_id === 'cause')?.element;
    const taxonomy = [...readFileSync(new URL('../fixtures/cause-taxonomy.ids.txt', import.meta.url), 'utf8').matchAll(/`([a-z-]+)`/g)].map((m) => m[1]);
    expect(taxonomy).toEqual([...CAUSE_IDS]);
    expect(cause?.type === 'static_select' ? cause.options.map((o) => o.value) : []).toEqual(CAUSE_IDS.filter((c) => c !== 'oom-killed'));
    const container = inputs.find((b) => b.block_id === 'container')?.element;
    expect(container?.type === 'static_select' ? [container.options.map((o) => o.value), container.initial_option?.value] : []).toEqual([['init-db', 'app'], 'app']);
    expect(inputs.find((b) => b.block_id === 'note')).toMatchObject({ optional: true, element: { type: 'plain_text_input', max_length: 300 } });
  });

  it('escapes a hostile pod name in its text', () => {
    const view = feedbackModal({ privateMetadata: '{}', target: 'shop/<!channel>', engine: { cause: 'none', container: '', alternatives: [] }, containers: [] });
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('found no crash');
    expect(view.blocks.some((b) => b.type === 'input' && b.block_id === 'container')).toBe(false);
  });
});

describe('the thread line', () => {
  it('names the clicker and the causes; the note is escaped and cannot close a code span or mention anyone', () => {
    const line = feedbackAuditMessage('UALICE01', { cause: 'oom-killed', container: 'app', note: 'see <https://evil.example|docs> `x` <@U999> & <!here>' }, { cause: 'app-error', container: 'app', alternatives: [] });
    expect(line.text).toBe(':memo: <@UALICE01> marked this diagnosis wrong: expected `oom-killed` (the report said `app-error`).');
    const note = JSON.stringify(line.blocks[1]);
    expect(note).toContain('&lt;https://evil.example|docs&gt;');
    expect(note).toContain('&lt;@U999&gt; &amp; &lt;!here&gt;');
    expect(note).not.toContain('<@U999>');
  });

  it('says so when the report found nothing, and names a container the clicker changed', () => {
    const line = feedbackAuditMessage('UALICE01', { cause: 'config-invalid', container: 'init-db', note: '' }, { cause: 'none', container: '', alternatives: [] });
    expect(line.text).toContain('expected `config-invalid` in `init-db` (the report found no crash).');
    expect(line.blocks).toHaveLength(1);
  });
});
