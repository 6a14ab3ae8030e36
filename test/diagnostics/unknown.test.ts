import { describe, expect, it } from 'vitest';
import { diagnose } from '../../diagnostics/index.ts';
import { buildSnapshot } from '../fixtures/diagnostics/build.ts';

const base = {
  name: 'quiet', cause: 'unknown' as const, container: 'svc',
  containers: [{ name: 'svc', last: { exitCode: 1, reason: 'Error' } }],
  events: [{ reason: 'BackOff', message: 'Back-off restarting failed container', count: 12, container: 'svc' }],
};

describe('unknown', () => {
  it('says so honestly and recommends the sleep-override and a debug copy', () => {
    const f = diagnose(buildSnapshot(base)).findings[0];
    expect(f?.cause).toBe('unknown');
    expect(f?.fix.kind).toBe('debug');
    expect(f?.fix.snippet).toContain('command: ["sleep", "3600"]');
    expect(f?.fix.commands.map((c) => c.command)).toContain('kubectl debug svc-7d9f8b6c5d-x2k4q -n default -it --copy-to=svc-7d9f8b6c5d-x2k4q-debug --container=svc -- sh');
  });

  it('names a log read that capture could not do', () => {
    const snap = buildSnapshot(base);
    snap.gaps = [{ what: 'logs/svc (previous)', reason: 'forbidden: pods/log is forbidden' }];
    const r = diagnose(snap);
    expect(r.findings[0]?.title).toBe('No evidence explains why "svc" crashes (exit 1, Error); its logs could not be read (forbidden: pods/log is forbidden)');
    expect(r.gaps).toEqual([{ what: 'logs/svc (previous)', reason: 'forbidden: pods/log is forbidden' }]);
  });

  it('is dropped when another finding explains the container', () => {
    const r = diagnose(buildSnapshot({ ...base, logs: { svc: "ModuleNotFoundError: No module named 'yaml'" } }));
    expect(r.findings.map((f) => f.cause)).toEqual(['missing-dependency']);
  });
});
