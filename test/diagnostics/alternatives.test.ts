// report.alternatives: other causes of the primary container within 0.1 of its confidence, and nothing else.
import { describe, expect, it } from 'vitest';
import { alternativesOf } from '../../diagnostics/diagnose.ts';
import type { CauseId, Finding } from '../../diagnostics/types.ts';

const f = (cause: CauseId, confidence: number, container = 'api'): Finding => ({
  cause, container, containerType: 'main', confidence, title: cause, evidence: [],
  fix: { kind: 'debug', summary: '', steps: [], commands: [] },
});

describe('alternativesOf', () => {
  it('lists a close runner-up of the same container', () => {
    expect(alternativesOf([f('app-error', 0.75), f('dependency-unreachable', 0.7)]).map((a) => a.cause)).toEqual(['dependency-unreachable']);
  });
  it('ignores a clearly weaker cause, another container, a repeat of the primary cause and unknown', () => {
    expect(alternativesOf([f('oom-killed', 0.97), f('app-error', 0.6), f('dns-failure', 0.95, 'sidecar'), f('oom-killed', 0.9), f('unknown', 0.95)])).toEqual([]);
  });
  it('is empty for an empty report', () => {
    expect(alternativesOf([])).toEqual([]);
  });
});
