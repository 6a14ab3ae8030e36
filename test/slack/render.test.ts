import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CAUSE_IDS, type Finding, type Report } from '../../diagnostics/types.ts';
import { ACTION_IDS } from '../../src/actions/types.ts';
import { renderReport, REPORT_EVENT_TYPE } from '../../src/slack/render/report.ts';
import { INLINE_LOG_CHARS, planLogFile, renderThread } from '../../src/slack/render/thread.ts';
import { podListMessage, notFoundMessage } from '../../src/slack/render/messages.ts';
import { LIMITS, type Block } from '../../src/slack/render/limits.ts';
import { registerSlackHandlers, type ListenerRegistry } from '../../handlers/index.ts';
import { NotAvailableExecutor } from '../../src/slack/not-available-executor.ts';
import { oomFinding, sampleReport } from './sample-report.ts';

const allIds = { previousLogs: 's1', sleepOverride: 's1', debugCopy: 's1', rolloutUndo: 's1' } as const;
const stateIds = {
  [ACTION_IDS.previousLogs]: allIds.previousLogs,
  [ACTION_IDS.sleepOverride]: allIds.sleepOverride,
  [ACTION_IDS.debugCopy]: allIds.debugCopy,
  [ACTION_IDS.rolloutUndo]: allIds.rolloutUndo,
};

function texts(blocks: Block[]): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type === 'section') out.push(b.text.text, ...(b.fields ?? []).map((f) => f.text));
    if (b.type === 'context') out.push(...b.elements.map((e) => e.text));
    if (b.type === 'header') out.push(b.text.text);
  }
  return out;
}

function actionIds(blocks: Block[]): string[] {
  return blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.action_id) : []));
}

function assertWithinLimits(blocks: Block[]): void {
  expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
  for (const b of blocks) {
    if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    if (b.type === 'context') expect(b.elements.length).toBeLessThanOrEqual(LIMITS.contextElements);
    if (b.type === 'actions') {
      expect(b.elements.length).toBeLessThanOrEqual(LIMITS.actionElements);
      for (const e of b.elements) {
        expect(e.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
        expect(e.value.length).toBeLessThanOrEqual(LIMITS.buttonValue);
      }
    }
  }
  expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(13_000);
}

describe('renderReport', () => {
  it('puts the primary cause in one line, key facts and the buttons on the parent', () => {
    const msg = renderReport(sampleReport(), { cluster: 'prod', incident: 'prod/payments/Deployment/api', stateIds });
    const all = texts(msg.blocks).join('\n');
    expect(texts(msg.blocks)[0]).toContain('*payments/api-7d9f8b6c5-x2x4z* is crash-looping');
    expect(texts(msg.blocks)[0]).not.toContain('\n');
    expect(all).toContain('`oom-killed`');
    expect(all).toContain('exit 137 · OOMKilled');
    expect(all).toContain('Restarts:* 7 · back-off 300s');
    expect(msg.text).toContain('oom-killed');
    expect(actionIds(msg.blocks)).toEqual([ACTION_IDS.previousLogs, ACTION_IDS.sleepOverride, ACTION_IDS.debugCopy, ACTION_IDS.rolloutUndo]);
    const undo = msg.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e) => e.action_id === ACTION_IDS.rolloutUndo);
    expect(undo?.text.text).toBe('Roll back to revision 4');
    expect(undo?.confirm).toBeDefined();
  });

  it('carries crashloop_report metadata naming the cause, container, pod, cluster and incident', () => {
    const msg = renderReport(sampleReport(), { cluster: 'prod', incident: 'prod/payments/Deployment/api', stateIds });
    expect(msg.metadata).toEqual({
      event_type: REPORT_EVENT_TYPE,
      event_payload: { cause: 'oom-killed', container: 'api', namespace: 'payments', pod: 'api-7d9f8b6c5-x2x4z', cluster: 'prod', incident: 'prod/payments/Deployment/api' },
    });
  });

  it('offers no rollback without a change the crashes began after', () => {
    const msg = renderReport(sampleReport({ change: undefined }), { cluster: 'prod', stateIds });
    expect(actionIds(msg.blocks)).not.toContain(ACTION_IDS.rolloutUndo);
  });

  it('says so plainly for a healthy pod, with cause "none" in the metadata', () => {
    const msg = renderReport(sampleReport({ findings: [], timeline: [], change: undefined }), { cluster: 'prod', stateIds });
    expect(msg.text).toContain('No crash found');
    expect(actionIds(msg.blocks)).toEqual([]);
    expect(msg.metadata.event_payload.cause).toBe('none');
  });

  it('escapes Slack control characters from logs and titles', () => {
    const finding = oomFinding({ title: 'boom <!channel> & <@U123>', evidence: [{ kind: 'log', source: 'logs/api previous line 1', text: '<!here> ``` injected' }] });
    const report = sampleReport({ findings: [finding] });
    const all = [...texts(renderReport(report, { cluster: 'c' }).blocks), ...renderThread(report, { cluster: 'c' }).flatMap((m) => texts(m.blocks))].join('\n');
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<!here>');
    expect(all).toContain('&lt;!channel&gt;');
  });
});

describe('renderThread', () => {
  it('carries the decisive log line, events, timeline, the change, commands and secondary findings', () => {
    const report = sampleReport({ findings: [oomFinding(), oomFinding({ cause: 'liveness-probe-failed', title: 'Liveness probe failed', confidence: 0.4 })] });
    const messages = renderThread(report, { cluster: 'prod' });
    const all = messages.flatMap((m) => texts(m.blocks)).join('\n');
    expect(all).toContain('*Decisive log line* (logs/api previous line 41)');
    expect(all).toContain('JavaScript heap out of memory');
    expect(all).toContain('*Events*');
    expect(all).toContain('*Back-off timeline*');
    expect(all).toContain('revision 4 → 5');
    expect(all).toContain('kubectl -n payments get pod');
    expect(all).toContain('`liveness-probe-failed`');
  });

  it('uploads long logs as a file and keeps short ones inline', () => {
    const pod = { namespace: 'ns', name: 'p' };
    expect(planLogFile(pod, 'app', 'short')).toBeUndefined();
    expect(planLogFile(pod, 'app', null)).toBeUndefined();
    const file = planLogFile(pod, 'app', 'x'.repeat(INLINE_LOG_CHARS + 1));
    expect(file?.filename).toBe('p-app-previous.log');
    expect(file?.content.length).toBe(INLINE_LOG_CHARS + 1);
  });
});

const arbText = (max: number) => fc.string({ minLength: 0, maxLength: max, unit: fc.constantFrom('a', ' ', '<', '&', '`', '\n', 'é', 'x', '*') });
const arbFinding: fc.Arbitrary<Finding> = fc.record({
  cause: fc.constantFrom(...CAUSE_IDS),
  container: fc.string({ minLength: 1, maxLength: 300 }),
  title: arbText(5000),
  confidence: fc.double({ min: 0, max: 1, noNaN: true }),
  evidence: fc.array(fc.record({ kind: fc.constantFrom('status', 'event', 'log', 'spec', 'node', 'history' as const), source: arbText(500), text: arbText(6000) }), { maxLength: 40 }),
  summary: arbText(4000),
  steps: fc.array(arbText(800), { maxLength: 30 }),
  commands: fc.array(fc.record({ description: arbText(300), command: arbText(2000) }), { maxLength: 30 }),
  snippet: arbText(6000),
}).map((r) => ({
  cause: r.cause,
  container: r.container,
  containerType: 'main' as const,
  confidence: r.confidence,
  title: r.title,
  evidence: r.evidence,
  fix: { kind: 'rollback' as const, toRevision: 3, summary: r.summary, steps: r.steps, commands: r.commands, snippet: r.snippet },
}));

describe('Slack limits', () => {
  it('holds for any report, however large', () => {
    fc.assert(
      fc.property(fc.array(arbFinding, { minLength: 0, maxLength: 60 }), fc.string({ maxLength: 400 }), (findings, name) => {
        const report: Report = {
          ...sampleReport(),
          pod: { namespace: 'ns', name: `p${name}` },
          findings,
          timeline: findings.map((f, i) => ({ container: f.container, restartCount: i, lastReason: f.title.slice(0, 200) })),
          gaps: findings.map((f) => ({ what: f.container, reason: f.title })),
          errors: [],
        };
        const ctx = { cluster: 'c', stateIds: { [ACTION_IDS.previousLogs]: 'x'.repeat(3000), [ACTION_IDS.rolloutUndo]: 'y' } };
        const parent = renderReport(report, ctx);
        assertWithinLimits(parent.blocks);
        expect(parent.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
        for (const message of renderThread(report, ctx)) assertWithinLimits(message.blocks);
      }),
      { numRuns: 60 },
    );
  });

  it('holds for long pod lists', () => {
    const pods = Array.from({ length: 200 }, (_, i) => ({ namespace: 'n'.repeat(63), name: `pod-${i}-${'x'.repeat(200)}`, reason: 'r'.repeat(1000) }));
    assertWithinLimits(podListMessage('intro', pods, pods.map((_, i) => `id${i}`)).blocks);
    assertWithinLimits(notFoundMessage('x'.repeat(5000), 'y'.repeat(5000), pods.map((p) => p.name)).blocks);
  });
});

describe('action ids', () => {
  it('every action_id the renderers emit has a registered handler', () => {
    const registered: string[] = [];
    const recorder: ListenerRegistry = {
      command: () => undefined,
      action: (constraints) => registered.push(constraints.action_id),
    };
    const deps = {
      router: { clusters: ['c'], enqueue: async () => 'job' },
      states: { load: async () => undefined },
      poster: { postThreadReply: async () => ({ channel: 'C', ts: '1', reused: false }), postEphemeral: async () => undefined },
      executor: new NotAvailableExecutor({ load: async () => undefined }),
    };
    const returned = registerSlackHandlers(recorder, deps);
    expect(returned).toEqual(registered);
    const emitted = new Set<string>([
      ...actionIds(renderReport(sampleReport(), { cluster: 'c', stateIds }).blocks),
      ...renderThread(sampleReport(), { cluster: 'c', stateIds }).flatMap((m) => actionIds(m.blocks)),
      ...actionIds(podListMessage('x', [{ namespace: 'a', name: 'b', reason: 'c' }], ['id']).blocks),
    ]);
    expect(emitted.size).toBeGreaterThanOrEqual(5);
    for (const id of emitted) expect(registered).toContain(id);
    for (const id of Object.values(ACTION_IDS)) expect(registered).toContain(id);
  });
});
