import { describe, expect, it } from 'vitest';
import { diagnose } from '../../diagnostics/index.ts';

function nodeCrash(log: string) {
  return {
    pod: {
      metadata: { name: 'inventory-api-7d4c9f8b6-kz5tq', namespace: 'shop' },
      spec: { restartPolicy: 'Always', containers: [{ name: 'api', image: 'inventory-api:5.1.0' }] },
      status: {
        phase: 'Running',
        containerStatuses: [{
          name: 'api', ready: false, restartCount: 8, image: 'inventory-api:5.1.0', imageID: '',
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=api pod=inventory-api-7d4c9f8b6-kz5tq_shop(uid)' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: '2025-03-04T09:27:57Z', finishedAt: '2025-03-04T09:28:00Z' } },
        }],
      },
    },
    events: [],
    logs: { api: { previous: log, current: null } },
  };
}

describe('the decisive log line', () => {
  it('is the headline of a multi-line Node error, not the field that restates it', () => {
    const report = diagnose(nodeCrash([
      'Error: connect ECONNREFUSED 10.96.142.17:5432',
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16) {',
      '  errno: -111,',
      "  code: 'ECONNREFUSED',",
      "  syscall: 'connect',",
      '}',
    ].join('\n')));
    const first = report.findings[0];
    expect(first?.cause).toBe('dependency-unreachable');
    expect(first?.evidence.filter((e) => e.kind === 'log').map((e) => e.text.trim())).toEqual(['Error: connect ECONNREFUSED 10.96.142.17:5432']);
  });

  it('is still the later line when the same failure happens again later in the run', () => {
    const lines = ['Error: connect ECONNREFUSED 10.96.142.17:5432'];
    for (let i = 0; i < 20; i++) lines.push(`{"level":"info","msg":"retrying in ${i}s"}`);
    lines.push('Error: connect ECONNREFUSED 10.96.142.18:5432');
    const first = diagnose(nodeCrash(lines.join('\n'))).findings[0];
    expect(first?.evidence.filter((e) => e.kind === 'log').map((e) => e.text.trim())).toEqual(['Error: connect ECONNREFUSED 10.96.142.18:5432']);
  });
});
