// Honest uncertainty in the Slack report: one context line names the runner-up causes, and only taxonomy ids.
import { describe, expect, it } from 'vitest';
import type { Block } from '../../src/slack/render/limits.ts';
import { renderReport } from '../../src/slack/render/report.ts';
import { sampleReport } from './sample-report.ts';

function contexts(blocks: Block[]): string[] {
  return blocks.flatMap((b) => (b.type === 'context' ? b.elements.map((e) => e.text) : []));
}

describe('renderReport alternatives', () => {
  it('says "likely X; also fits Y" when the report carries a close runner-up', () => {
    const report = sampleReport({ alternatives: [{ cause: 'liveness-probe-failed', container: 'api', confidence: 0.9, title: 'probe kill' }] });
    const lines = contexts(renderReport(report, { cluster: 'prod', stateIds: {} }).blocks);
    expect(lines).toContain('Likely `oom-killed`; also fits: `liveness-probe-failed` (90%)');
  });

  it('adds no line when the primary cause stands clear', () => {
    const lines = contexts(renderReport(sampleReport({ alternatives: [] }), { cluster: 'prod', stateIds: {} }).blocks);
    expect(lines.some((l) => l.startsWith('Likely '))).toBe(false);
  });
});
