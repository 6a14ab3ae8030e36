// Arbitrary snapshots for property tests of the engine (test/diagnostics/property.test.ts, the fuzz suite
// test/faults/fuzz-engine.test.ts), and the check that a report is well formed.
import { expect } from 'vitest';
import fc from 'fast-check';
import { CAUSE_IDS, type Report } from '../../diagnostics/index.ts';

const FIX_KINDS = new Set(['raise-memory-limit', 'tune-probe', 'create-reference', 'fix-image', 'fix-command', 'fix-config', 'fix-environment', 'fix-dependency', 'fix-permissions', 'fix-volume', 'fix-restart-policy', 'free-disk', 'fix-code', 'rollback', 'debug']);

export function expectValid(r: Report): void {
  expect(r.schemaVersion).toBe(1);
  expect(typeof r.pod.name).toBe('string');
  expect(typeof r.pod.namespace).toBe('string');
  expect(Array.isArray(r.findings)).toBe(true);
  expect(Array.isArray(r.timeline)).toBe(true);
  expect(Array.isArray(r.gaps)).toBe(true);
  expect(Array.isArray(r.errors)).toBe(true);
  for (const f of r.findings) {
    expect(CAUSE_IDS).toContain(f.cause);
    expect(typeof f.container).toBe('string');
    expect(f.confidence).toBeGreaterThanOrEqual(0);
    expect(f.confidence).toBeLessThanOrEqual(1);
    expect(typeof f.title).toBe('string');
    expect(FIX_KINDS.has(f.fix.kind)).toBe(true);
    for (const e of f.evidence) expect(typeof e.text).toBe('string');
  }
  expect(() => JSON.stringify(r)).not.toThrow();
}

// Arbitrary values placed where a snapshot has structure: right shapes, wrong types, missing keys.
export const junk = fc.oneof(fc.constant(null), fc.constant(undefined), fc.integer(), fc.double(), fc.string(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }));

const statusArb = fc.record({
  name: fc.oneof(fc.constantFrom('api', 'web', ''), junk),
  restartCount: fc.oneof(fc.nat(), junk),
  state: fc.oneof(junk, fc.record({ waiting: fc.record({ reason: fc.oneof(fc.constantFrom('CrashLoopBackOff', 'CreateContainerConfigError', 'ImagePullBackOff', 'RunContainerError'), junk), message: fc.oneof(fc.string(), junk) }, { requiredKeys: [] }) })),
  lastState: fc.oneof(junk, fc.record({ terminated: fc.record({ exitCode: fc.oneof(fc.constantFrom(0, 1, 2, 126, 127, 128, 134, 137, 139, 143, 255), junk), reason: fc.oneof(fc.constantFrom('OOMKilled', 'Error', 'Completed', 'StartError'), junk), startedAt: fc.oneof(fc.constant('2026-11-21T10:00:00Z'), junk), finishedAt: fc.oneof(fc.constant('2026-11-21T10:01:00Z'), junk), message: fc.oneof(fc.string(), junk) }, { requiredKeys: [] }) })),
}, { requiredKeys: [] });

export const snapshotArb = fc.record({
  pod: fc.oneof(junk, fc.record({
    metadata: fc.oneof(junk, fc.record({ name: fc.oneof(fc.string(), junk), namespace: fc.oneof(fc.string(), junk) }, { requiredKeys: [] })),
    spec: fc.oneof(junk, fc.record({ containers: fc.oneof(junk, fc.array(fc.record({ name: fc.oneof(fc.constantFrom('api', 'web'), junk), image: junk }, { requiredKeys: [] }), { maxLength: 3 })), restartPolicy: fc.oneof(fc.constantFrom('Always', 'OnFailure', 'Never'), junk) }, { requiredKeys: [] })),
    status: fc.oneof(junk, fc.record({ containerStatuses: fc.oneof(junk, fc.array(statusArb, { maxLength: 3 })), initContainerStatuses: fc.oneof(junk, fc.array(statusArb, { maxLength: 2 })) }, { requiredKeys: [] })),
  }, { requiredKeys: [] })),
  events: fc.oneof(junk, fc.array(fc.oneof(junk, fc.record({ reason: fc.oneof(fc.constantFrom('BackOff', 'Unhealthy', 'Killing', 'FailedMount', 'Failed', 'OOMKilling'), junk), message: fc.oneof(fc.string(), fc.constant('Container api failed liveness probe, will be restarted'), junk), count: junk, involvedObject: fc.oneof(junk, fc.record({ fieldPath: fc.oneof(fc.constant('spec.containers{api}'), junk) }, { requiredKeys: [] })) }, { requiredKeys: [] })), { maxLength: 5 })),
  logs: fc.oneof(junk, fc.dictionary(fc.constantFrom('api', 'web', 'x'), fc.oneof(junk, fc.record({ previous: fc.oneof(fc.string(), fc.lorem({ maxCount: 30 }), junk), current: fc.oneof(fc.string(), junk) }, { requiredKeys: [] })))),
  capturedAt: fc.oneof(fc.constant('2026-11-21T10:02:00Z'), junk),
  history: fc.oneof(junk, fc.array(fc.oneof(junk, fc.record({ revision: fc.oneof(fc.nat(), junk), name: junk, createdAt: junk, template: fc.oneof(junk, fc.anything()) }, { requiredKeys: [] })), { maxLength: 3 })),
  owners: fc.oneof(junk, fc.array(fc.anything(), { maxLength: 2 })),
  gaps: fc.oneof(junk, fc.array(fc.anything(), { maxLength: 2 })),
}, { requiredKeys: [] });
