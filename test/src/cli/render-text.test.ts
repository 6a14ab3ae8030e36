import { describe, expect, it } from 'vitest';
import type { Report } from '../../../diagnostics/types.ts';
import { COLOR, PLAIN, renderText } from '../../../src/cli/render-text.ts';

const base: Report = {
  schemaVersion: 1,
  pod: { namespace: 'prod', name: 'api-1', phase: 'Running', node: 'worker-1' },
  capturedAt: '2026-01-01T00:00:00Z',
  findings: [],
  timeline: [],
  gaps: [],
  errors: [],
};

describe('renderText', () => {
  it('says so when nothing was found', () => {
    const text = renderText(base);
    expect(text).toContain('Pod prod/api-1  (node worker-1, phase Running)');
    expect(text).toContain('No crash cause found');
  });

  it('renders findings, timeline, rollout change, gaps and rule errors in order', () => {
    const report: Report = {
      ...base,
      findings: [
        {
          cause: 'missing-dependency',
          container: 'web',
          containerType: 'main',
          confidence: 0.9,
          title: 'Module express is missing from the image',
          evidence: [{ kind: 'log', source: 'logs/web previous line 3', text: "Error: Cannot find module 'express'" }],
          fix: { kind: 'fix-image', summary: 'Install express in the image.', steps: ['Add it to package.json'], commands: [{ description: 'Check', command: 'kubectl logs api-1 --previous' }], snippet: 'RUN npm ci\n' },
        },
        {
          cause: 'app-error',
          container: 'init-db',
          containerType: 'init',
          confidence: 0.4,
          title: 'Second thing',
          evidence: [],
          fix: { kind: 'fix-code', summary: 'Fix it.', steps: [], commands: [] },
        },
      ],
      timeline: [{ container: 'web', restartCount: 1, lastRunSeconds: 3, lastExitCode: 1, lastReason: 'Error', backoffSeconds: 10 }],
      change: {
        owner: { kind: 'Deployment', name: 'api' },
        fromRevision: 3,
        toRevision: 4,
        changeCause: 'bump',
        changes: [{ field: 'image', container: 'web', before: 'web:1', after: 'web:2' }],
        crashesBeganAfter: true,
      },
      gaps: [{ what: 'logs/web (previous)', reason: 'forbidden: no' }],
      errors: [{ rule: 'x', message: 'boom' }],
    };
    const text = renderText(report, PLAIN);
    const order = ['missing-dependency  container web · confidence 90%', 'Evidence', "Error: Cannot find module 'express'", 'Fix: Install express', '1. Add it to package.json', '$ kubectl logs api-1 --previous', 'RUN npm ci', 'Also found (1)', 'app-error  container init-db (init) · confidence 40%', 'Timeline', 'web: 1 restart, last run 3s, exit 1 (Error), back-off 10s', 'What changed: Deployment/api revision 3 → 4', 'image [web]: web:1 → web:2', 'The crashes began after this rollout.', 'Could not read', 'logs/web (previous): forbidden: no', 'Rules that failed', 'x: boom'];
    let at = -1;
    for (const piece of order) {
      const next = text.indexOf(piece, at + 1);
      expect(next, piece).toBeGreaterThan(at);
      at = next;
    }
    expect(text).not.toContain('\u001b[');
    expect(renderText(report, COLOR)).toContain('\u001b[1m');
  });

  it('names a close runner-up next to the primary cause', () => {
    const finding = {
      cause: 'app-error' as const, container: 'api', containerType: 'main' as const, confidence: 0.62, title: 'panic: boom', evidence: [],
      fix: { kind: 'fix-code' as const, summary: 'Fix the crash.', steps: [], commands: [] },
    };
    const text = renderText({ ...base, findings: [finding], alternatives: [{ cause: 'liveness-probe-failed', container: 'api', confidence: 0.58, title: 'The kubelet most likely kills "api"' }] }, PLAIN);
    expect(text).toContain('Likely app-error; liveness-probe-failed also fits:');
    expect(text).toContain('liveness-probe-failed (confidence 58%): The kubelet most likely kills "api"');
  });
});
