// The real `crashloop diagnose` process against live crash scenarios on the kwok cluster: capture
// through the apiserver (pod, events, logs --previous), diagnosis, JSON report.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_DIR, REPO_ROOT } from '../cluster/cluster.ts';
import {
  SCENARIOS,
  applyScenario,
  clusterEnv,
  deleteNamespace,
  newNamespace,
  waitForScenario,
} from '../cluster/harness.ts';

interface Report {
  pod: { namespace: string; name: string };
  findings: { cause: string; container: string; containerType: string; confidence: number; evidence: { kind: string; source: string; text: string }[] }[];
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function crashloop(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'bin', 'crashloop.js'), ...args],
      { env: clusterEnv(), timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
  });
}

const namespaces = new Map<string, string>();
function ns(name: string): string {
  const n = namespaces.get(name);
  if (!n) throw new Error(`scenario ${name} was not applied`);
  return n;
}

beforeAll(async () => {
  await Promise.all(SCENARIOS.map(async (s) => {
    const n = await newNamespace(`cli-${s.name}`.slice(0, 40));
    namespaces.set(s.name, n);
    await applyScenario(s.name, n);
  }));
  await Promise.all(SCENARIOS.map((s) => waitForScenario(ns(s.name), s)));
});

afterAll(async () => {
  await Promise.all([...namespaces.values()].map((n) => deleteNamespace(n)));
});

describe.each(SCENARIOS)('crashloop diagnose: $name', (s) => {
  it(`reports ${s.expectedCause} for container ${s.container} first`, async () => {
    const run = await crashloop(['diagnose', `${ns(s.name)}/${s.pod}`, '--output', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.pod).toMatchObject({ namespace: ns(s.name), name: s.pod });
    const first = report.findings[0];
    expect(first?.cause).toBe(s.expectedCause);
    expect(first?.container).toBe(s.container);
    expect(first?.containerType).toBe(s.containerType);
    // Log evidence must quote the crashed run's log as served by kubectl logs --previous.
    const logEvidence = first?.evidence.filter((e) => e.kind === 'log') ?? [];
    if (s.logLine === undefined) {
      expect(logEvidence).toEqual([]);
    } else if (logEvidence.length > 0) {
      const file = await readFile(join(CLUSTER_DIR, 'scenarios', s.name, 'logs', `${s.container}.log`), 'utf8');
      const lines = file.split('\n').map((l) => l.split(' ').slice(3).join(' '));
      for (const e of logEvidence) expect(lines).toContain(e.text);
    }
  });
});

describe('crashloop diagnose: targets', () => {
  it('finds the pod by name with -n, as text output', async () => {
    const run = await crashloop(['diagnose', 'api-oom', '-n', ns('oom-killed'), '--no-color']);
    expect(run.code).toBe(0);
    // The finding's header line starts with the cause id (the namespace also contains it, hence ^).
    expect(run.stdout).toMatch(/^oom-killed\s+container api\b/m);
  });

  it('exits 3 for a pod that does not exist', async () => {
    const run = await crashloop(['diagnose', `${ns('oom-killed')}/no-such-pod`, '--output', 'json']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/no-such-pod/);
  });
});
