// Hand-written reports shaped like the engine's, for renderer and poster tests.
import type { Finding, Report } from '../../diagnostics/types.ts';

export function oomFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    cause: 'oom-killed',
    container: 'api',
    containerType: 'main',
    confidence: 0.95,
    title: 'Container api was OOMKilled: it used more than its 256Mi memory limit',
    evidence: [
      { kind: 'status', source: 'status.containerStatuses[api].lastState.terminated', text: 'reason OOMKilled, exit code 137' },
      { kind: 'event', source: 'event BackOff ×30', text: 'Back-off restarting failed container api' },
      { kind: 'log', source: 'logs/api previous line 41', text: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory' },
    ],
    fix: {
      kind: 'raise-memory-limit',
      summary: 'Raise the memory limit of api from 256Mi to 512Mi, or find the leak.',
      steps: ['Check the memory graph of the last hour.', 'Raise the limit in the Deployment.'],
      commands: [{ description: 'See the last termination', command: 'kubectl -n payments get pod api-7d9f8b6c5-x2x4z -o jsonpath={.status.containerStatuses[0].lastState}' }],
      currentLimit: '256Mi',
      suggestedLimit: '512Mi',
    },
    ...overrides,
  };
}

export function sampleReport(overrides: Partial<Report> = {}): Report {
  return {
    schemaVersion: 1,
    pod: { namespace: 'payments', name: 'api-7d9f8b6c5-x2x4z', phase: 'Running', node: 'node-1' },
    capturedAt: '2026-11-21T12:00:00Z',
    findings: [oomFinding()],
    timeline: [{ container: 'api', restartCount: 7, lastRunSeconds: 5, lastExitCode: 137, lastReason: 'OOMKilled', backoffSeconds: 300 }],
    change: {
      owner: { kind: 'Deployment', name: 'api' },
      fromRevision: 4,
      toRevision: 5,
      changeCause: 'bump to 1.2.3',
      changes: [{ field: 'image', container: 'api', before: 'app:1.2.2', after: 'app:1.2.3' }],
      crashesBeganAfter: true,
    },
    gaps: [],
    errors: [],
    ...overrides,
  };
}
